"""Stub replaced below."""


def generate(_rng):
    pass


def clear():
    pass
