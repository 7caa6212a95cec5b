import pytest


@pytest.fixture(autouse=True)
def _empty_cache(clear_cache):
    """Every exhibition test starts and ends with an empty cache."""


@pytest.fixture
def campaign(small_campaign):
    """The notice's campaign, every phase open, photo rules small enough for 400×300 fixtures."""
    return small_campaign


@pytest.fixture
def people(expert_people):
    """The expert tests' people (the `shown` fixture's published entries use them)."""
    return expert_people


@pytest.fixture
def noise_jpegs(tmp_path):
    """make(count) → paths of `count` different 400×300 JPEGs of noise (~200 KB each: noise does not
    compress, so a photo kept in memory shows in the measurements)."""
    import random

    from PIL import Image

    def make(count: int) -> list:
        folder = tmp_path / "photos"
        folder.mkdir(exist_ok=True)
        paths = []
        for index in range(count):
            path = folder / f"{index}.jpg"
            noise = random.Random(index).randbytes(400 * 300 * 3)
            Image.frombytes("RGB", (400, 300), noise).save(path, "JPEG", quality=95)
            paths.append(path)
        return paths

    return make


@pytest.fixture
def growth_with_the_photos():
    """growth(write, paths, target) → how much more Python memory (tracemalloc's peak) write(photos, target)
    needs for all `paths` but the first three than for those three (`target` then holds the larger file)."""
    import tracemalloc

    def peak(write, paths, target) -> int:
        tracemalloc.start()
        try:
            write(paths, target)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def growth(write, paths, target) -> int:
        few = peak(write, paths[:3], target)
        return peak(write, paths[3:], target) - few

    return growth
