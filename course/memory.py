"""Keep freed memory for the next array instead of handing it back to the operating system.

Every training step of a CNN makes the same large temporary arrays again: the columns of im2col,
the products, the gradients (a few MB each). By default the C library gives the memory of a
large array back to the operating system as soon as NumPy frees it, and the next array of that
size gets fresh pages; the operating system must find and zero every 4 KB page of them on first
use (a "page fault"). For lecture 08's CNN that is about 6,000 page faults per batch of 64 and
about a quarter of the step's time. PyTorch keeps its memory and has none.

``reuse_freed_memory()`` tells the C library (glibc, on Linux and in Colab) to keep freed
blocks of up to 32 MB for reuse. The memory the process holds stays at the largest amount it
has used at once; nothing else changes. On other systems it does nothing and says so.
"""
import ctypes
import sys

_M_TRIM_THRESHOLD = -1    # mallopt parameters, from glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3


def reuse_freed_memory(largest_block=32 * 2**20, keep=256 * 2**20):
    """Keep freed blocks of up to ``largest_block`` bytes for reuse (and up to ``keep`` bytes of free memory at the top
    of the heap); returns True if the C library took the settings, False where it has no such settings."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt     # the C library this process already uses
    except (OSError, AttributeError):           # musl (Alpine) and others have no mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, largest_block)) and bool(mallopt(_M_TRIM_THRESHOLD, keep))
