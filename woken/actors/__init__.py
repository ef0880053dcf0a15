"""Woken's finite-state-machine actors, on pykka.

`fsm.FsmActor` is the base: a state enum, a table of (state, message type) →
handler, every transition logged, unexpected messages warned about, state
timeouts, terminal states that stop the actor.
"""
