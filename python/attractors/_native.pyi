"""Type stubs of the compiled extension (the Rust binding); use the functions of ``attractors``."""

from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

class ArgumentError(ValueError):
    """A bad argument; the message is the command line's for the same flag."""

class RenderError(RuntimeError):
    """A render that could not start or finish (no GPU for backend='gpu', a device lost, ...)."""

class Render:
    """A finished render: the counts and the job that made them."""

    @property
    def counts(self) -> npt.NDArray[np.unsignedinteger[Any]]:
        """Counts per bin, shape (height, width), row 0 = top; uint32, or uint64 when a bin exceeds 2**32-1; read-only."""
    @property
    def shape(self) -> Tuple[int, int]: ...
    @property
    def bounds(self) -> Tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) used."""
    @property
    def tally(self) -> Dict[str, int]:
        """counted, outside (the bounds), diverged, total."""
    @property
    def name(self) -> str: ...
    @property
    def n(self) -> int:
        """Points asked for: the job's, or the share of the shards it holds."""
    @property
    def shards(self) -> Optional[Dict[str, Any]]:
        """None for the whole job; else count, present, missing (shard indices)."""
    @property
    def backend(self) -> str: ...
    @property
    def seconds(self) -> float: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def recipe(self) -> str:
        """The recipe as JSON text, as the PNG carries it."""
    def shade(self, flags: List[str] = ...) -> npt.NDArray[np.uint8]: ...
    def save_png(self, path: str, flags: List[str] = ...) -> None: ...
    def __array__(self, dtype: Any = ..., copy: Optional[bool] = ...) -> npt.NDArray[Any]: ...
    def __reduce__(self) -> Tuple[Any, Tuple[str, npt.NDArray[Any]]]: ...

def render(flags: List[str], progress: Optional[Callable[[int, int], Any]] = ...) -> Render: ...
def check(flags: List[str]) -> None: ...
def merge(renders: List[Render], partial: bool = ...) -> Render: ...
def private_runtime_dir() -> Optional[str]: ...
def presets(config: Optional[str] = ...) -> List[Dict[str, Any]]: ...
def equations() -> List[Dict[str, Any]]: ...
def palettes() -> List[str]: ...
def search(flags: List[str]) -> Tuple[List[Dict[str, Any]], int]: ...
