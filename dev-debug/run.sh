#!/bin/sh
# Bring up a cluster stack in order, waiting for each part to be ready:
#   PostgreSQL → ZooKeeper → Mesos master → Mesos agent (registered) → Chronos.
# The Mesos agent sometimes fails to register with the master: if it is not registered
# in time, it is restarted (up to AGENT_ATTEMPTS times).
#
# Usage: dev-debug/run.sh [COMPOSE_FILE]   (default: dev-debug/docker-compose.yml)
#        dev-debug/run.sh --down [COMPOSE_FILE]
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
if [ "${1:-}" = "--down" ]; then down=1; shift; else down=0; fi
file=${1:-$here/docker-compose.yml}
MESOS_URL=${MESOS_URL:-http://localhost:5050}
CHRONOS_URL=${CHRONOS_URL:-http://localhost:4400}
WAIT_S=${WAIT_S:-120}
AGENT_ATTEMPTS=${AGENT_ATTEMPTS:-3}

compose() { docker-compose -f "$file" "$@"; }

if [ "$down" = 1 ]; then compose down; exit 0; fi

# wait_for WHAT SECONDS COMMAND...: run COMMAND every 2 s until it succeeds.
wait_for() {
    what=$1; seconds=$2; shift 2
    printf 'waiting for %s' "$what"
    waited=0
    until "$@" >/dev/null 2>&1; do
        if [ "$waited" -ge "$seconds" ]; then echo " - not ready after ${seconds} s"; return 1; fi
        printf '.'; sleep 2; waited=$((waited + 2))
    done
    echo " ready"
}

agent_registered() {
    curl -fsS "$MESOS_URL/master/slaves" | grep -q '"active":true'
}

# Job volumes and Mesos sandboxes: the same paths on the host and in the containers.
mkdir -p /tmp/woken/volumes /var/tmp/mesos 2>/dev/null || true

compose up -d db zookeeper
wait_for PostgreSQL "$WAIT_S" compose exec -T db pg_isready -U woken
wait_for ZooKeeper "$WAIT_S" compose exec -T zookeeper zkServer.sh status

compose up -d mesos-master
wait_for "the Mesos master" "$WAIT_S" curl -fsS "$MESOS_URL/health"

compose up -d mesos-agent
attempt=1
until wait_for "the Mesos agent to register" 60 agent_registered; do
    if [ "$attempt" -ge "$AGENT_ATTEMPTS" ]; then
        echo "the Mesos agent did not register after $attempt attempts: see 'docker-compose logs mesos-agent'" >&2
        exit 1
    fi
    attempt=$((attempt + 1))
    echo "restarting the Mesos agent (attempt $attempt of $AGENT_ATTEMPTS)"
    compose restart mesos-agent
done

compose up -d chronos
wait_for Chronos "$WAIT_S" curl -fsS "$CHRONOS_URL/v1/scheduler/jobs"

echo "the cluster is up: Mesos $MESOS_URL, Chronos $CHRONOS_URL"
