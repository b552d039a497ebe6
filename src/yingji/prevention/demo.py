"""Demo risk points and hazards of the demo county's enterprises."""

import random


def generate(rng: random.Random) -> None:
    return None


def clear() -> None:
    return None
