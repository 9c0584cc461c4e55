"""The cloud process's periodic jobs: each in its own transaction, a failing one alone rolled
back."""

from datetime import datetime

from sqlmodel import Session, select

from cloud.core.config import Settings
from cloud.db import make_engine, migrate
from cloud.models import Carrier, ParcelState
from cloud.runtime.maintenance_loop import MaintenanceLoop, default_jobs

NOW = datetime(2030, 1, 1, 0, 0, 5)


def engine_at(tmp_path):
    url = "sqlite:///%s" % (tmp_path / "locker.db")
    migrate(url)
    return make_engine(url)


def test_each_job_commits_its_own_work_and_a_failing_one_rolls_back_only_its_own(tmp_path):
    engine, seen = engine_at(tmp_path), []

    def adds(name):
        def job(session, now, settings):
            seen.append((name, now, settings.contact_retention_days))
            session.add(Carrier(name=name))
            if name == "broken":
                session.flush()
                raise RuntimeError("boom")

        return job

    settings = Settings(database_url=str(engine.url), contact_retention_days=7)
    loop = MaintenanceLoop(
        engine,
        settings,
        clock=lambda: NOW,
        jobs=[("first", 60, adds("first")), ("broken", 60, adds("broken"))],
    )
    loop.register("last", 60, adds("last"))
    loop.run_due()
    loop.run_due()  # not due again before its interval
    with Session(engine) as session:
        assert sorted(c.name for c in session.exec(select(Carrier)).all()) == ["first", "last"]
    assert seen == [("first", NOW, 7), ("broken", NOW, 7), ("last", NOW, 7)]
    engine.dispose()


def test_the_default_jobs_run_on_an_empty_database_and_the_thread_stops(tmp_path):
    engine = engine_at(tmp_path)
    loop = MaintenanceLoop(engine, Settings(database_url=str(engine.url)), jobs=default_jobs())
    assert {"refresh_courier_lists", "purge_contacts"} <= {name for name, *_ in loop._jobs}
    loop.run_due()
    loop.start().stop()
    assert not loop._thread.is_alive()
    engine.dispose()


def test_locker_purge_clears_what_is_due_and_says_how_many(tmp_path, capsys):
    from datetime import timedelta

    from cloud.core.clock import utcnow
    from cloud.models import Locker, Parcel
    from locker.cli import main

    engine = engine_at(tmp_path)
    with Session(engine) as session:
        session.add(Locker(id="L1", name="L1", device_key="00" * 32))
        session.add(
            Parcel(
                carrier="DHL",
                tracking_code="T1",
                locker_id="L1",
                width_mm=1,
                height_mm=1,
                depth_mm=1,
                recipient_name="Ada",
                recipient_phone="+441234567890",
                state=ParcelState.COLLECTED,
                collected_at=utcnow() - timedelta(days=31),
            )
        )
        session.commit()
    assert main(["purge", "--database-url", str(engine.url)]) == 0
    assert "purged from 1 parcels" in capsys.readouterr().out
    with Session(engine) as session:
        parcel = session.exec(select(Parcel)).one()
        assert (parcel.recipient_name, parcel.recipient_phone) == ("", None)
    engine.dispose()
