"""Build a Woken configuration for tests: real algorithms plus test-only ones, real databases."""

from __future__ import annotations

from pathlib import Path

from woken.config import ALGORITHMS_DIR, Config

TEST_ALGORITHMS = Path(__file__).parent / "algorithms"


def algorithms_dir(tmp_path: Path) -> Path:
    """The real algorithms and the test ones (crasher, sleeper, silent) side by side."""
    folder = tmp_path / "algorithms"
    folder.mkdir()
    for source in (ALGORITHMS_DIR, TEST_ALGORITHMS):
        for algorithm in source.iterdir():
            if (algorithm / "algorithm.toml").is_file():
                (folder / algorithm.name).symlink_to(algorithm)
    return folder


def woken_test_config(tmp_path: Path, woken_db_url: str = "", features_db_url: str = "") -> Config:
    return Config(
        data_dir=tmp_path / "var",
        woken_db_url=woken_db_url,
        features_db_url=features_db_url,
        algorithms_dir=algorithms_dir(tmp_path),
        request_timeout_s=60,
        job_timeout_s=60,
        max_concurrent_jobs=2,
    )
