import random


def generate(rng: random.Random) -> None:
    return None


def clear() -> None:
    return None
