"""Counter-based random numbers: the same child, event and purpose always get the same number.

The simulation draws each random number from a hash of (seed, simulated child id, event counter,
purpose) instead of from a sequential stream. Two consequences matter for a forecast:

* **Common random numbers.** A scenario and the baseline give every simulated child the same random
  numbers, so a child whose rates a scenario does not touch has exactly the same future in both. The
  scenario-minus-baseline difference is then the scenario's effect, not Monte Carlo noise.
* **Determinism independent of batching.** The result does not depend on how the paths are split into
  batches for memory, only on the seed.

The hash is SplitMix64's finaliser (Steele, Lea and Flood, 2014) applied to a linear combination of
the id and the (counter, purpose) pair, as SplitMix64 itself does with its counter; uniforms take its
top 53 bits.
"""

from __future__ import annotations

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S16 = np.uint64(16)
_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)

#: Purposes (salts) of the draws, so draws for different purposes never coincide.
SALT_EXPONENTIAL = 1  # the pair (time to the next event, where the event leads)
SALT_ENTRY_TIME = 3
SALT_ENTRY_AGE = 4
SALT_ENTRY_KEEP = 5
SALT_SLOPE_KEEP = 6  # thinning entrants against the drawn slopes' spread
SALT_REDIRECT = 16  # + index of the capacity change


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def seed_key(seed: int) -> np.uint64:
    """A 64-bit key derived from the user's seed."""
    return _mix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64) + _GOLDEN)[0]


def uniforms(key: np.uint64, ids: np.ndarray, counter: np.ndarray | int, salt: int) -> np.ndarray:
    """Uniform numbers in (0, 1), one per id, fixed by (key, id, counter, salt)."""
    ids = np.asarray(ids, dtype=np.uint64)
    counter = np.asarray(counter).astype(np.uint64)
    with np.errstate(over="ignore"):
        return _to_unit(_mix(ids * _GOLDEN + (((counter << _S16) | np.uint64(salt)) * _M2 + key)))


def stream_keys(key: np.uint64, ids: np.ndarray) -> np.ndarray:
    """Per-id stream keys: ``uniforms_at(stream_keys(key, ids), salt)`` equals ``uniforms(key, ids, 0, salt)``;
    adding ``COUNTER_STEP`` to a stream key moves it to the next counter value."""
    with np.errstate(over="ignore"):
        return np.asarray(ids, dtype=np.uint64) * _GOLDEN + key


#: Added to a stream key to advance its counter by one.
COUNTER_STEP = np.uint64((1 << 16) * 0x94D049BB133111EB % (1 << 64))


def uniforms_at(stream: np.ndarray, salt: int) -> np.ndarray:
    """Uniform numbers in (0, 1) from stream keys (see :func:`stream_keys`) for one purpose."""
    with np.errstate(over="ignore"):
        return _to_unit(_mix(stream + np.uint64(salt) * _M2))


def uniform_pairs_at(stream: np.ndarray, salt: int) -> tuple[np.ndarray, np.ndarray]:
    """Two uniform numbers in (0, 1) per stream key, from the high and low 32 bits of one hash."""
    with np.errstate(over="ignore"):
        z = _mix(stream + np.uint64(salt) * _M2)
    high = (z >> _S32).astype(np.float64)
    low = (z & _LOW32).astype(np.float64)
    high += 0.5
    high *= 1.0 / 4294967296.0
    low += 0.5
    low *= 1.0 / 4294967296.0
    return high, low


def _to_unit(z: np.ndarray) -> np.ndarray:
    return ((z >> _S11).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)
