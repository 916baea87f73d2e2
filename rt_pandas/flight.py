"""Arrow Flight worker: score streams of record batches over the network.

A client opens a ``do_exchange`` whose descriptor command is a small JSON
request, streams record batches in and reads results back:

* ``{"op": "math", "columns": [...], "params": {"function": "exp"}}``: one
  result batch per input batch, the named columns transformed element-wise;
* ``{"op": "anomaly_scores", "params": {"method": "zscore"}}``: one batch of
  scores per input batch. Each batch is scored against its own statistics
  unless ``"statistics": {column: {"mean": .., "std": ..}}`` gives the
  statistics of the whole stream (or of a reference), as
  :func:`rt_pandas.anomaly.anomaly_statistics` returns them;
* ``{"op": "transform", "params": {"function": "standardize"}}``: column
  scalers, per batch;
* ``{"op": "quality", "params": {"ranges": {...}}}``: one batch at the end
  holding the serialised :class:`~rt_pandas.QualityState` of the whole
  stream, so the report equals the report over the concatenated table.

``do_action`` answers ``ping``, ``version``, ``capabilities`` and ``stats``.
Batches' buffers go to the C kernels without a copy; the kernels release the
GIL. See docs/flight.md.

>>> import pyarrow as pa
>>> from rt_pandas import flight
>>> server = flight.serve(port=0, block=False)
>>> client = flight.Client(f"grpc://127.0.0.1:{server.port}")
>>> client.math(pa.table({"x": [0.0, 1.0]}), "exp").column("x").to_pylist()
[1.0, 2.718281828459045]
>>> server.shutdown()
True
"""

from __future__ import annotations

import hmac
import itertools
import json
import logging
import multiprocessing
import os
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.flight as fl

from . import memory
from .errors import RtError

__all__ = ["Client", "Limits", "RunningServer", "WorkerServer", "serve", "serve_workers", "OPS"]

log = logging.getLogger("rt_pandas.flight")

MATH_FUNCTIONS = ("exp", "expm1", "log", "log1p", "sinh", "cosh", "tanh", "asin", "acos", "atan",
                  "erf", "erfc", "clamp")
SCALERS = ("standardize", "min_max", "robust_scale")
ANOMALY_METHODS = ("zscore", "iqr", "mad")
ANOMALY_OUTPUTS = ("scores", "scores_float32", "flags")
OPS = {
    "quality": {"answers": "once, at the end: the serialised QualityState of the whole stream",
                "columns": "any types", "params": {"ranges": "{column: [low, high]}", "rules": "{column: rule}",
                                                   "k": "float (3.5)", "nan_as_missing": "bool (true)",
                                                   "exact_limit": "int (1000000)"}},
    "anomaly_scores": {"answers": "per batch: one score column per input column (float64; float32 or bool flags "
                                  "with \"output\")",
                       "columns": "numeric",
                       "params": {"method": list(ANOMALY_METHODS),
                                  "statistics": "{column: {mean, std} | {q1, q3} | {median, mad}} (default: each "
                                                "batch's own statistics)",
                                  "output": list(ANOMALY_OUTPUTS)}},
    "math": {"answers": "per batch: the columns transformed element-wise", "columns": "numeric",
             "params": {"function": list(MATH_FUNCTIONS), "lower": "float (clamp)", "upper": "float (clamp)"}},
    "transform": {"answers": "per batch: the columns scaled with that batch's statistics", "columns": "numeric",
                  "params": {"function": list(SCALERS), "ddof": "int (standardize, 1)",
                             "quantile_range": "[low, high] percent (robust_scale, [25, 75])"}},
}
ACTIONS = {"ping": "answers 'pong'", "version": "rt_pandas.versions()",
           "capabilities": "ops, their parameters and the limits", "stats": "requests, rows, bytes, errors, pool"}


@dataclass(frozen=True)
class Limits:
    """What one request may ask of a worker; beyond it the request fails with one sentence.

    Parameters
    ----------
    max_command_bytes : int
        Size of the JSON request (64 KiB).
    max_batch_rows : int
        Rows in one record batch (4,194,304).
    max_request_rows : int
        Rows in one stream (2**31).
    max_request_bytes : int
        Arrow buffer bytes in one stream (16 GiB).
    max_request_seconds : float
        Wall time of one stream, checked between batches (3600); clients set
        their own deadline with ``Client(timeout=...)``.
    """

    max_command_bytes: int = 64 * 1024
    max_batch_rows: int = 4 * 1024 * 1024
    max_request_rows: int = 2**31
    max_request_bytes: int = 16 * 2**30
    max_request_seconds: float = 3600.0


class RequestError(Exception):
    """A bad request: its message is the one sentence the client sees."""


# ---------------------------------------------------------------- requests


def _parse_request(command: bytes, limits: Limits) -> tuple[str, list | None, dict]:
    if len(command) > limits.max_command_bytes:
        raise RequestError(f"the request is {len(command)} bytes; the limit is {limits.max_command_bytes}")
    try:
        request = json.loads(command.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RequestError("the request is not valid JSON: expected {\"op\": ..., \"columns\": [...], "
                           "\"params\": {...}}") from None
    if not isinstance(request, dict):
        raise RequestError("the request must be a JSON object with an \"op\"")
    op = request.get("op")
    if op not in OPS:
        raise RequestError(f"unknown op {op!r}; the ops are {sorted(OPS)}")
    columns = request.get("columns")
    if columns is not None and not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
        raise RequestError("\"columns\" must be a list of column names")
    params = request.get("params") or {}
    if not isinstance(params, dict):
        raise RequestError("\"params\" must be a JSON object")
    unknown = set(request) - {"op", "columns", "params"}
    if unknown:
        raise RequestError(f"unknown request fields {sorted(unknown)}; the fields are op, columns, params")
    return op, columns, params


def _is_numeric(type_: pa.DataType) -> bool:
    return pa.types.is_integer(type_) or pa.types.is_floating(type_) or pa.types.is_boolean(type_)


def _select_columns(schema: pa.Schema, columns: list | None, op: str) -> list[str]:
    names = schema.names
    if columns is None:
        columns = [f.name for f in schema if op == "quality" or _is_numeric(f.type)]
        if not columns:
            raise RequestError(f"the stream has no numeric columns for op {op!r}")
    missing = [c for c in columns if c not in names]
    if missing:
        raise RequestError(f"column {missing[0]!r} is not in the stream; its columns are {names}")
    if op != "quality":
        for name in columns:
            type_ = schema.field(name).type
            if not _is_numeric(type_):
                raise RequestError(f"column {name!r} has type {type_}; op {op!r} needs numeric columns")
    return list(columns)


def _check_params(params: dict, allowed: Iterable[str], op: str) -> None:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise RequestError(f"op {op!r} takes no parameter {unknown[0]!r}; its parameters are {sorted(allowed)}")


# ---------------------------------------------------------------- ops


def _elementwise(op: str, params: dict) -> Callable[[str, pa.Array], pa.Array]:
    """The per-column function (column name, array) of an element-wise op, checked before any batch is read."""
    from . import math, transforms

    if op == "anomaly_scores":
        return _anomaly_scorer(params)
    function = params.get("function")
    if op == "math":
        _check_params(params, ["function", "lower", "upper"], op)
        if function not in MATH_FUNCTIONS:
            raise RequestError(f"math function {function!r} is not one of {list(MATH_FUNCTIONS)}")
        if function == "clamp":
            lower, upper = params.get("lower"), params.get("upper")
            return lambda name, column: math.clamp(column, lower, upper)
        return lambda name, column: getattr(math, function)(column)
    _check_params(params, ["function", "ddof", "quantile_range"], op)
    if function not in SCALERS:
        raise RequestError(f"transform function {function!r} is not one of {list(SCALERS)}")
    extra = {key: params[key] for key in ("ddof", "quantile_range") if key in params}
    return lambda name, column: getattr(transforms, function)(column, **extra)


def _statistics_bands(method: str, statistics: Any) -> dict | None:
    """{column: (lo, hi, scale)} of an ``anomaly_scores`` request's ``statistics``, checked up front."""
    from . import anomaly
    from .errors import ValidationError

    if statistics is None:
        return None
    if not isinstance(statistics, dict):
        raise RequestError("\"statistics\" must be an object {column: {...}}")
    try:
        return {name: anomaly._band(method, value, f"statistics[{name!r}]") for name, value in statistics.items()}
    except ValidationError as error:
        raise RequestError(error.message) from None


def _pool_array(type_: pa.DataType, length: int, values) -> pa.Array:
    """An Arrow array over a numpy (pool) buffer, without a copy: the buffer keeps the memory alive."""
    return pa.Array.from_buffers(type_, length, [None, pa.py_buffer(values)])


def _anomaly_scorer(params: dict) -> Callable[[str, pa.Array], pa.Array]:
    """Scores of one column of a batch: the batch's buffers go to the C kernel, the result is an Arrow
    array over the kernel's pool buffer (no pandas, no copy of float64 input or of the scores)."""
    import numpy as np

    from . import anomaly
    from ._columns import as_columns

    _check_params(params, ["method", "statistics", "output"], "anomaly_scores")
    method = params.get("method", "zscore")
    if method not in ANOMALY_METHODS:
        raise RequestError(f"method {method!r} is not one of {list(ANOMALY_METHODS)}")
    output = params.get("output", "scores")
    if output not in ANOMALY_OUTPUTS:
        raise RequestError(f"output {output!r} is not one of {list(ANOMALY_OUTPUTS)}")
    bands = _statistics_bands(method, params.get("statistics"))

    def score(name: str, column: pa.Array) -> pa.Array:
        if bands is not None and name not in bands:
            raise RequestError(f"\"statistics\" has no entry for column {name!r}")
        (view,) = as_columns(column).chunks
        scores, flags = anomaly.score_view(view, method, band=bands[name] if bands is not None else None,
                                           want_flags=output == "flags")
        if output == "flags":
            return _pool_array(pa.bool_(), len(flags), np.packbits(flags, bitorder="little"))
        if output == "scores_float32":
            return _pool_array(pa.float32(), len(scores), scores.astype(np.float32))
        return _pool_array(pa.float64(), len(scores), scores)

    return score


def _quality_state(params: dict):
    from .state import QualityState

    _check_params(params, ["ranges", "rules", "k", "nan_as_missing", "exact_limit"], "quality")
    for key in ("ranges", "rules"):
        if not isinstance(params.get(key, {}), dict):
            raise RequestError(f"quality parameter {key!r} must be an object {{column: ...}}")
    ranges = {key: tuple(value) if isinstance(value, list) else value for key, value in params.get("ranges", {}).items()}
    settings = {key: params[key] for key in ("rules", "k", "nan_as_missing", "exact_limit") if key in params}
    return QualityState(ranges=ranges, **settings)


# ---------------------------------------------------------------- server


class _Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.values = {"requests": 0, "rows": 0, "bytes": 0, "errors": 0, "active_streams": 0}

    def add(self, **amounts: int) -> None:
        with self._lock:
            for key, amount in amounts.items():
                self.values[key] += amount

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self.values)


class _BearerTokenFactory(fl.ServerMiddlewareFactory):
    """Rejects every call whose ``authorization`` header is not ``Bearer <token>``."""

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

    def start_call(self, info, headers):
        given = (headers.get("authorization") or [""])[0]
        given = given.encode() if isinstance(given, str) else given
        if not hmac.compare_digest(given, self._expected):
            raise fl.FlightUnauthenticatedError("a valid bearer token is required")
        return None


class WorkerServer(fl.FlightServerBase):
    """The Flight server behind :func:`serve` (one process; see :func:`serve_workers`)."""

    def __init__(self, location: str, *, token: str | None = None, tls: dict | None = None,
                 limits: Limits | None = None) -> None:
        kwargs: dict[str, Any] = {}
        if token:
            kwargs["middleware"] = {"auth": _BearerTokenFactory(token)}
        if tls:
            kwargs["tls_certificates"] = [(tls["cert"], tls["key"])]
            if tls.get("client_ca"):
                kwargs["verify_client"] = True
                kwargs["root_certificates"] = tls["client_ca"]
        super().__init__(location, **kwargs)
        self.limits = limits or Limits()
        self.counters = _Counters()
        self.closing = threading.Event()

    # -- exchange ---------------------------------------------------------

    def do_exchange(self, context, descriptor, reader, writer):
        self.counters.add(requests=1, active_streams=1)
        try:
            self._exchange(context, descriptor, reader, writer)
        except RequestError as error:
            self.counters.add(errors=1)
            raise fl.FlightServerError(str(error)) from None
        except RtError as error:
            self.counters.add(errors=1)
            raise fl.FlightServerError(error.message) from None
        except fl.FlightError:
            self.counters.add(errors=1)
            raise
        except Exception as error:  # never a traceback with file paths to the client
            self.counters.add(errors=1)
            log.exception("flight request failed")
            raise fl.FlightServerError(f"the worker could not process the request ({type(error).__name__})") from None
        finally:
            self.counters.add(active_streams=-1)

    def _exchange(self, context, descriptor, reader, writer) -> None:
        if descriptor.descriptor_type != fl.DescriptorType.CMD:
            raise RequestError("the descriptor must be a command holding the JSON request")
        op, columns, params = _parse_request(descriptor.command, self.limits)
        if op == "quality":
            state = _quality_state(params)
            for batch in self._batches(context, reader, op, columns):
                state.update(batch)
            payload = state.to_bytes()
            result = pa.record_batch([pa.array([payload], pa.large_binary()), pa.array([state.rows], pa.int64())],
                                     names=["state", "rows"])
            writer.begin(result.schema)
            writer.write_batch(result)
            return
        function = _elementwise(op, params)
        started = False
        for batch in self._batches(context, reader, op, columns):
            outputs = [function(name, batch.column(name)) for name in batch.schema.names]
            result = pa.record_batch([pa.array(o) if not isinstance(o, pa.Array) else o for o in outputs],
                                     names=batch.schema.names)
            if not started:
                writer.begin(result.schema)
                started = True
            writer.write_batch(result)
        if not started:  # an empty stream still gets a schema
            writer.begin(pa.schema([]))

    def _batches(self, context, reader, op: str, columns: list | None) -> Iterator[pa.RecordBatch]:
        """The stream's batches, cut to the requested columns, within the limits."""
        limits = self.limits
        try:
            schema = reader.schema
        except fl.FlightError:
            raise RequestError("the client sent no schema") from None
        names = _select_columns(schema, columns, op)
        deadline = time.monotonic() + limits.max_request_seconds
        rows = size = 0
        for chunk in reader:
            batch = chunk.data
            if batch is None:
                continue
            if self.closing.is_set():
                raise RequestError("the worker is shutting down")
            if context.is_cancelled():
                return
            rows += batch.num_rows
            size += batch.nbytes
            self.counters.add(rows=batch.num_rows, bytes=batch.nbytes)
            if batch.num_rows > limits.max_batch_rows:
                raise RequestError(f"a batch has {batch.num_rows} rows; the limit is {limits.max_batch_rows}")
            if rows > limits.max_request_rows or size > limits.max_request_bytes:
                raise RequestError(f"the stream exceeds the limit of {limits.max_request_rows} rows or "
                                   f"{limits.max_request_bytes} bytes")
            if time.monotonic() > deadline:
                raise RequestError(f"the stream took longer than {limits.max_request_seconds} s")
            yield batch.select(names)

    # -- actions ----------------------------------------------------------

    def list_actions(self, context):
        return list(ACTIONS.items())

    def do_action(self, context, action):
        kind = action.type
        if kind == "ping":
            body: Any = "pong"
        elif kind == "version":
            import rt_pandas

            body = rt_pandas.versions()
        elif kind == "capabilities":
            body = {"ops": OPS, "actions": ACTIONS, "limits": asdict(self.limits)}
        elif kind == "stats":
            body = {**self.counters.snapshot(), "pool": memory.stats(), "pid": os.getpid()}
        else:
            self.counters.add(errors=1)
            raise fl.FlightServerError(f"unknown action {kind!r}; the actions are {sorted(ACTIONS)}")
        yield fl.Result(json.dumps(body).encode())


class RunningServer:
    """A worker serving in a background thread: ``.port``, ``.location``, ``.shutdown()``."""

    def __init__(self, server: WorkerServer, scheme: str, host: str) -> None:
        self.server = server
        self.port = server.port
        self.location = f"{scheme}://{host}:{self.port}"
        self._thread = threading.Thread(target=server.serve, name=f"rt-flight-{self.port}", daemon=True)
        self._thread.start()

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop serving; streams still open end with an error at their next batch.

        Returns True when the server stopped within ``timeout`` seconds; a
        client stalled inside a batch can hold it longer (the thread is a
        daemon, so it never keeps the process alive).
        """
        self.server.closing.set()
        stopper = threading.Thread(target=self._stop, daemon=True)
        stopper.start()
        stopper.join(timeout)
        return not stopper.is_alive()

    def _stop(self) -> None:
        self.server.shutdown()
        # serve() returns once gRPC has torn the server down; until then it can still close file
        # descriptors, which a new server on the same port may have been given (its listening
        # socket then refuses every connection).
        self._thread.join()

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()


# Pauses before each new attempt to reach a worker that refused the connection: a worker that has
# just restarted on the same port can refuse a new channel's first connection ("Socket closed").
_RECONNECT_DELAYS = (0.05, 0.25, 1.0)


def _retry_unavailable(call: Callable[[], Any]) -> Any:
    """``call()``, tried again after each delay of ``_RECONNECT_DELAYS`` while it raises
    FlightUnavailableError (no connection); only for calls that are safe to repeat."""
    for delay in _RECONNECT_DELAYS:
        try:
            return call()
        except fl.FlightUnavailableError:
            time.sleep(delay)
    return call()


def _read(path_or_bytes: Any) -> bytes:
    if isinstance(path_or_bytes, bytes):
        return path_or_bytes
    with open(path_or_bytes, "rb") as handle:
        return handle.read()


def serve(host: str = "127.0.0.1", port: int = 0, token: str | None = None, tls: dict | None = None,
          block: bool = True, limits: Limits | None = None) -> RunningServer | None:
    """Run a Flight worker on ``host:port`` (127.0.0.1 unless told otherwise).

    Parameters
    ----------
    host, port : str, int
        Where to listen; port 0 picks a free port (read it back from ``.port``).
    token : str, optional
        Require ``authorization: Bearer <token>`` on every call.
    tls : dict, optional
        ``{"cert": PEM, "key": PEM}`` (bytes or paths) serves ``grpc+tls``;
        add ``"client_ca": PEM`` to require client certificates (mutual TLS).
    block : bool
        True serves until interrupted; False returns a :class:`RunningServer`.
    limits : Limits, optional
        Request size and time limits.

    Examples
    --------
    >>> from rt_pandas import flight
    >>> server = flight.serve(port=0, block=False)
    >>> flight.Client(server.location).ping()
    'pong'
    >>> server.shutdown()
    True
    """
    scheme = "grpc+tls" if tls else "grpc"
    if tls:
        tls = {key: _read(value) for key, value in tls.items() if value is not None}
    server = WorkerServer(f"{scheme}://{host}:{port}", token=token, tls=tls, limits=limits)
    if not block:
        return RunningServer(server, scheme, host)
    try:
        server.serve()
    except KeyboardInterrupt:
        server.shutdown()
    return None


def _worker_main(kwargs: dict, ready) -> None:
    try:
        running = serve(block=False, **kwargs)
    except Exception as error:  # the parent reports it
        ready.put(f"{type(error).__name__}: {error}")
        return
    ready.put(running.port)
    running._thread.join()


def _wait_for_port(process, ready, seconds: float = 60.0) -> int | str:
    """The port a worker bound, or why it could not start (a dead process is not waited for)."""
    import queue

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return ready.get(timeout=0.2)
        except queue.Empty:
            if not process.is_alive():
                return f"the process exited with code {process.exitcode}"
    return f"no port after {seconds} s"


def serve_workers(workers: int, host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> tuple[list[str], list]:
    """Start ``workers`` processes, one port each: ``port``, ``port + 1``, ... (port 0: free ports).

    Arrow Flight's gRPC server turns ``SO_REUSEPORT`` off, so processes cannot
    share one port; the equivalent is one port per process and a client that
    spreads its streams over them (:class:`Client` takes a list of locations).
    Returns ``(locations, processes)``; terminate the processes to stop them.
    """
    context = multiprocessing.get_context("spawn")
    scheme = "grpc+tls" if kwargs.get("tls") else "grpc"
    locations, processes = [], []
    for index in range(workers):
        ready = context.Queue()
        process = context.Process(target=_worker_main, daemon=True, name=f"rt-flight-worker-{index}",
                                  args=({"host": host, "port": port + index if port else 0, **kwargs}, ready))
        process.start()
        processes.append(process)
        bound = _wait_for_port(process, ready)
        if isinstance(bound, str):
            for started in processes:
                started.terminate()
            raise OSError(f"worker {index} could not start: {bound}")
        locations.append(f"{scheme}://{host}:{bound}")
    return locations, processes


# ---------------------------------------------------------------- client


class _BearerTokenClientFactory(fl.ClientMiddlewareFactory):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def start_call(self, info):
        return _BearerTokenClient(self._header)


class _BearerTokenClient(fl.ClientMiddleware):
    def __init__(self, header: str) -> None:
        self._header = header

    def sending_headers(self):
        return {"authorization": self._header}


class _Sender(threading.Thread):
    """Writes a reader's batches to an exchange, waiting for a credit before each when asked."""

    def __init__(self, reader: pa.RecordBatchReader, writer, credits: threading.Semaphore | None) -> None:
        super().__init__(name="rt-flight-sender", daemon=True)
        self.reader, self.writer, self.credits = reader, writer, credits
        self.stopped = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.writer.begin(self.reader.schema)
            batches = iter(self.reader)
            while True:
                # a credit before reading the next batch, so at most `window` batches exist at once
                while self.credits is not None and not self.credits.acquire(timeout=0.1):
                    if self.stopped.is_set():
                        return
                if self.stopped.is_set():
                    return
                batch = next(batches, None)
                if batch is None:
                    break
                self.writer.write_batch(batch)
            self.writer.done_writing()
        except fl.FlightError:
            pass  # the server's error reaches the reading side
        except BaseException as error:  # a failing reader: raised in the caller
            self.error = error
            self.stopped.set()

    def stop(self) -> None:
        self.stopped.set()


def _as_reader(data: Any) -> pa.RecordBatchReader:
    """A table, batch, reader or Arrow stream object as a reader (a reader is not materialised)."""
    if isinstance(data, pa.RecordBatchReader):
        return data
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    if isinstance(data, pa.Table):
        return data.to_reader()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data)
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False).to_reader()
    raise TypeError(f"expected a pyarrow Table, RecordBatch, RecordBatchReader or DataFrame, got {type(data).__name__}")


def _statistics_param(statistics: Any, method: str) -> dict:
    """The request's ``statistics``: a dict as given, or a QualityState's means and population stds."""
    from .state import QualityState

    if not isinstance(statistics, QualityState):
        return statistics
    if method != "zscore":
        raise ValueError(f"a QualityState holds means and standard deviations: it serves method 'zscore', "
                         f"not {method!r}")
    out = {}
    for name, column in statistics.columns.items():
        moments = column.moments
        if moments and moments["count"] > 0:
            out[str(name)] = {"mean": moments["mean"], "std": (moments["m2"] / moments["count"]) ** 0.5}
    return out


class Client:
    """Talk to an rt-pandas Flight worker.

    Parameters
    ----------
    location : str or list of str
        ``grpc://host:port`` or ``grpc+tls://host:port``; a list (the
        workers of ``rt-pandas flight serve --workers N``) spreads calls over
        them, one after the other.
    token : str, optional
        Bearer token, if the worker wants one.
    tls_root_certs : bytes or path, optional
        CA certificate(s) the worker's certificate is checked against.
    cert_chain, private_key : bytes or path, optional
        The client's certificate and key, for mutual TLS.
    timeout : float, optional
        Deadline of every call in seconds.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from rt_pandas import flight
    >>> with flight.serve(block=False) as server:
    ...     report = flight.Client(server.location).quality(pa.table({"x": [1.0, None]}))
    >>> float(report.to_frame().loc["x", "completeness"])
    0.5
    """

    def __init__(self, location: str, token: str | None = None, tls_root_certs: Any = None,
                 cert_chain: Any = None, private_key: Any = None, timeout: float | None = None) -> None:
        # a channel of its own: gRPC's shared subchannels could hand this client a connection
        # that failed against an earlier server on the same port (a restarted worker)
        kwargs: dict[str, Any] = {"generic_options": [("grpc.use_local_subchannel_pool", 1)]}
        if tls_root_certs is not None:
            kwargs["tls_root_certs"] = _read(tls_root_certs)
        if cert_chain is not None:
            kwargs["cert_chain"] = _read(cert_chain)
            kwargs["private_key"] = _read(private_key)
        if token:
            kwargs["middleware"] = [_BearerTokenClientFactory(token)]
        locations = [location] if isinstance(location, str) else list(location)
        self._clients = [fl.FlightClient(where, **kwargs) for where in locations]
        self._turn = itertools.count()
        self._options = fl.FlightCallOptions(timeout=timeout)

    @property
    def _client(self) -> fl.FlightClient:
        """The next worker's connection (round robin)."""
        return self._clients[next(self._turn) % len(self._clients)]

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- actions ----------------------------------------------------------

    def action(self, name: str) -> Any:
        """Run a ``do_action`` and decode its JSON answer (the actions only read, so a refused
        connection is retried)."""
        client = self._client
        results = _retry_unavailable(lambda: list(client.do_action(fl.Action(name, b""), options=self._options)))
        return json.loads(results[0].body.to_pybytes())

    def ping(self) -> str:
        return self.action("ping")

    def version(self) -> dict:
        return self.action("version")

    def capabilities(self) -> dict:
        return self.action("capabilities")

    def stats(self) -> dict:
        return self.action("stats")

    # -- exchanges --------------------------------------------------------

    def exchange(self, op: str, data: Any, columns: list | None = None, window: int = 8,
                 **params: Any) -> Iterator[pa.RecordBatch]:
        """Stream ``data`` for ``op`` and yield the result batches as they come.

        A sender thread writes batches while this one reads answers; at most
        ``window`` batches are in flight, so a ``RecordBatchReader`` is never
        materialised (``window=1``: each answer before the next batch is read).
        """
        if not (isinstance(window, int) and window >= 1):
            raise ValueError("window must be an int >= 1")
        request = {"op": op, "params": params}
        if columns is not None:
            request["columns"] = list(columns)
        descriptor = fl.FlightDescriptor.for_command(json.dumps(request).encode())
        reader = _as_reader(data)
        client = self._client
        # Opening the stream sends nothing from ``reader``, so a refused connection is retried.
        writer, results = _retry_unavailable(lambda: client.do_exchange(descriptor, options=self._options))
        credits = threading.Semaphore(window) if op != "quality" else None
        sender = _Sender(reader, writer, credits)
        sender.start()
        try:
            for chunk in results:
                if chunk.data is None:
                    continue
                yield chunk.data
                if credits is not None:  # after the caller took the answer: the window bounds what it holds
                    credits.release()
        except fl.FlightError:
            sender.stop()
            raise
        finally:
            sender.stop()
            sender.join()
            writer.close()
        if sender.error is not None:
            raise sender.error

    def _table(self, op: str, data: Any, columns: list | None, **params: Any) -> pa.Table:
        batches = list(self.exchange(op, data, columns, **params))
        if not batches:
            return pa.table({})
        return pa.Table.from_batches(batches)

    def quality_state(self, data: Any, columns: list | None = None, **params: Any):
        """The worker's :class:`~rt_pandas.QualityState` over the stream (mergeable with others)."""
        from .state import QualityState

        batches = list(self.exchange("quality", data, columns, **params))
        return QualityState.from_bytes(batches[0].column("state")[0].as_py())

    def quality(self, data: Any, columns: list | None = None, threshold: float = 0.8, weights: dict | None = None,
                **params: Any):
        """The :class:`~rt_pandas.QualityReport` of the stream (``ranges``, ``rules``, ``k``, ... as params)."""
        return self.quality_state(data, columns, **params).finalize(threshold, weights)

    def anomaly_scores(self, data: Any, columns: list | None = None, method: str = "zscore",
                       statistics: Any = None, output: str = "scores") -> pa.Table:
        """Anomaly scores of each numeric column (or ``columns``) as a table, one row per input row.

        Without ``statistics`` each batch is scored against its own statistics
        (its mean and std for ``"zscore"``): a batch is a window, not the stream.
        To score the stream against global statistics pass ``statistics``:
        ``{column: anomaly_statistics(reference[column], method)}``, or for
        ``"zscore"`` the :class:`~rt_pandas.QualityState` of an earlier
        :meth:`quality_state` call over the same data (its means and stds).
        ``output``: ``"scores"`` (float64), ``"scores_float32"`` or ``"flags"``
        (bool: score above the method's default threshold).
        """
        params: dict[str, Any] = {"method": method}
        if statistics is not None:
            params["statistics"] = _statistics_param(statistics, method)
        if output != "scores":
            params["output"] = output
        return self._table("anomaly_scores", data, columns, **params)

    def math(self, data: Any, function: str, columns: list | None = None, **params: Any) -> pa.Table:
        """``function`` (exp, log, ..., clamp with ``lower``/``upper``) applied to the columns."""
        return self._table("math", data, columns, function=function, **params)

    def transform(self, data: Any, function: str, columns: list | None = None, **params: Any) -> pa.Table:
        """Column scalers (standardize, min_max, robust_scale), per batch."""
        return self._table("transform", data, columns, function=function, **params)


# ---------------------------------------------------------------- command line


def register_cli(commands) -> None:
    """Add ``flight serve`` to the ``rt-pandas`` command's subparsers (see rt_pandas.cli.COMMAND_MODULES)."""
    flight = commands.add_parser("flight", help="Arrow Flight worker")
    actions = flight.add_subparsers(dest="flight_command", required=True)
    run = actions.add_parser("serve", help="serve Flight requests (see docs/flight.md)")
    run.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8815)
    run.add_argument("--token-file", help="file holding the bearer token clients must send")
    run.add_argument("--tls-cert", help="PEM certificate chain: serve grpc+tls")
    run.add_argument("--tls-key", help="PEM private key of --tls-cert")
    run.add_argument("--tls-client-ca", help="PEM CA that client certificates must chain to (mutual TLS)")
    run.add_argument("--workers", type=int, default=1,
                     help="worker processes on ports PORT, PORT+1, ... (Flight turns SO_REUSEPORT off)")
    run.add_argument("--max-batch-rows", type=int, default=Limits.max_batch_rows)
    run.add_argument("--max-request-rows", type=int, default=Limits.max_request_rows)
    run.add_argument("--max-request-bytes", type=int, default=Limits.max_request_bytes)
    run.add_argument("--max-request-seconds", type=float, default=Limits.max_request_seconds)
    run.set_defaults(handler=run_cli)


def run_cli(args) -> int:
    """Run ``rt-pandas flight serve`` with parsed ``args``; returns the exit status."""
    import sys

    if bool(args.tls_cert) != bool(args.tls_key):
        print("rt-pandas flight serve: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    token = None
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as handle:
            token = handle.read().strip()
        if not token:
            print(f"rt-pandas flight serve: {args.token_file} is empty", file=sys.stderr)
            return 2
    tls = {"cert": args.tls_cert, "key": args.tls_key, "client_ca": args.tls_client_ca} if args.tls_cert else None
    limits = Limits(max_batch_rows=args.max_batch_rows, max_request_rows=args.max_request_rows,
                    max_request_bytes=args.max_request_bytes, max_request_seconds=args.max_request_seconds)
    scheme = "grpc+tls" if tls else "grpc"
    if args.workers <= 1:
        print(f"rt-pandas flight worker on {scheme}://{args.host}:{args.port}", flush=True)
        serve(args.host, args.port, token=token, tls=tls, limits=limits)
        return 0
    locations, processes = serve_workers(args.workers, args.host, args.port, token=token, tls=tls, limits=limits)
    print(f"rt-pandas flight: {args.workers} workers on {' '.join(locations)}", flush=True)
    try:
        for process in processes:
            process.join()
    except KeyboardInterrupt:
        for process in processes:
            process.terminate()
    return 0
