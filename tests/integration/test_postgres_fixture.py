import sqlalchemy as sa


def test_fresh_database_is_empty_and_writable(postgres_database: str) -> None:
    engine = sa.create_engine(postgres_database)
    with engine.begin() as connection:
        assert sa.inspect(connection).get_table_names() == []
        connection.execute(sa.text("CREATE TABLE t (x int)"))
        connection.execute(sa.text("INSERT INTO t VALUES (41)"))
        assert connection.execute(sa.text("SELECT x + 1 FROM t")).scalar_one() == 42
    engine.dispose()
