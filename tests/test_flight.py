"""The Arrow Flight worker on 127.0.0.1, port 0: ops, actions, limits, auth, TLS, failures."""

from __future__ import annotations

import datetime
import gc
import json
import re
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.flight as fl
import pytest

import rt_pandas
from rt_pandas import flight, memory
from rt_pandas.quality import quality


def _table(rows: int = 1000, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(10.0, 3.0, rows)
    x[::97] = np.nan
    return pa.table({
        "x": pa.array(x, mask=np.arange(rows) % 50 == 3),
        "n": pa.array(rng.integers(-5, 100, rows)),
        "s": pa.array([f"k{i % 13}" for i in range(rows)]),
    })


@pytest.fixture(scope="module")
def shared_server():
    """One worker for the module: it runs each request on the backend current at the time."""
    running = flight.serve(port=0, block=False)
    try:
        yield running
    finally:
        assert running.shutdown(timeout=10)


@pytest.fixture
def server(backend, shared_server):
    return shared_server


@pytest.fixture
def client(server):
    with flight.Client(server.location, timeout=30) as c:
        yield c


def _per_batch_zscore(values: np.ndarray) -> np.ndarray:
    valid = ~np.isnan(values)
    mean, std = values[valid].mean(), values[valid].std()
    return np.abs(values - mean) / std


# ---------------------------------------------------------------- round trips


def test_actions(client):
    assert client.ping() == "pong"
    assert client.version() == json.loads(json.dumps(rt_pandas.versions()))
    caps = client.capabilities()
    assert set(caps["ops"]) == {"quality", "anomaly_scores", "math", "transform"}
    assert "exp" in caps["ops"]["math"]["params"]["function"]
    assert caps["limits"]["max_batch_rows"] == flight.Limits().max_batch_rows
    stats = client.stats()
    assert {"requests", "rows", "bytes", "errors", "pool"} <= set(stats)
    assert "bytes_in_use" in stats["pool"]


def test_math_round_trip_matches_numpy(client):
    table = _table()
    reader = table.to_reader(max_chunksize=128)
    result = client.math(reader, "exp", columns=["x", "n"])
    x = table.column("x").to_numpy(zero_copy_only=False)
    expected = np.exp(x)
    got = result.column("x")
    assert got.null_count == table.column("x").null_count
    np.testing.assert_allclose(got.to_numpy(zero_copy_only=False), expected, rtol=1e-15, equal_nan=True)
    np.testing.assert_allclose(result.column("n").to_numpy(), np.exp(table.column("n").to_numpy().astype(float)),
                               rtol=1e-15)
    clamped = client.math(table.slice(7, 300), "clamp", columns=["x"], lower=8.0, upper=12.0)
    want = np.clip(table.slice(7, 300).column("x").to_numpy(zero_copy_only=False), 8.0, 12.0)
    np.testing.assert_array_equal(clamped.column("x").to_numpy(zero_copy_only=False), want)


def test_anomaly_scores_per_batch(client):
    table = _table(1024, seed=3)
    result = client.anomaly_scores(table.to_reader(max_chunksize=256), columns=["x"], method="zscore")
    assert result.num_rows == 1024
    for start in range(0, 1024, 256):
        part = table.column("x").slice(start, 256).to_numpy(zero_copy_only=False)
        got = result.column("x").slice(start, 256).to_numpy(zero_copy_only=False)
        np.testing.assert_allclose(got, _per_batch_zscore(part), rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("method", ["zscore", "iqr", "mad"])
def test_anomaly_scores_with_global_statistics_equal_the_whole_table(client, method):
    from rt_pandas import anomaly

    table = _table(1500, seed=4).select(["x", "n"])
    statistics = {name: anomaly.anomaly_statistics(table.column(name), method) for name in table.column_names}
    result = client.anomaly_scores(table.to_reader(max_chunksize=256), method=method, statistics=statistics)
    for name in table.column_names:
        whole = anomaly.anomaly_scores(table.column(name), method).to_numpy()
        got = result.column(name).to_numpy(zero_copy_only=False)
        if method == "mad":  # the MAD travels as scale / 1.4826
            np.testing.assert_allclose(got, whole, rtol=1e-14, atol=1e-14, equal_nan=True)
        else:
            np.testing.assert_array_equal(got, whole)


def test_anomaly_scores_against_a_quality_state(client):
    from rt_pandas import anomaly

    table = _table(2000, seed=5).select(["x", "n"])
    state = client.quality_state(table.to_reader(max_chunksize=300))
    result = client.anomaly_scores(table.to_reader(max_chunksize=300), statistics=state)
    for name in table.column_names:
        whole = anomaly.anomaly_scores(table.column(name), "zscore").to_numpy()
        np.testing.assert_allclose(result.column(name).to_numpy(zero_copy_only=False), whole, rtol=1e-12,
                                   atol=1e-12, equal_nan=True)
    with pytest.raises(ValueError, match="serves method 'zscore'"):
        client.anomaly_scores(table, method="iqr", statistics=state)


def test_anomaly_flags_and_float32_outputs(client):
    from rt_pandas import anomaly

    table = _table(1024, seed=6).select(["x"])
    scores = client.anomaly_scores(table.to_reader(max_chunksize=256), method="iqr")
    flags = client.anomaly_scores(table.to_reader(max_chunksize=256), method="iqr", output="flags")
    single = client.anomaly_scores(table.to_reader(max_chunksize=256), method="iqr", output="scores_float32")
    assert flags.schema.field("x").type == pa.bool_() and single.schema.field("x").type == pa.float32()
    want = np.concatenate([anomaly.is_anomaly(batch.column("x"), "iqr").to_numpy()
                           for batch in table.to_batches(max_chunksize=256)])
    np.testing.assert_array_equal(flags.column("x").to_numpy(zero_copy_only=False), want)
    np.testing.assert_array_equal(single.column("x").to_numpy(zero_copy_only=False),
                                  scores.column("x").to_numpy(zero_copy_only=False).astype(np.float32))


def test_transform_min_max(client):
    table = pa.table({"v": [3.0, 1.0, None, 5.0]})
    result = client.transform(table, "min_max")
    assert result.column("v").to_pylist() == [0.5, 0.0, None, 1.0]


def test_quality_over_100_batches_equals_the_whole_table(client):
    table = _table(5000, seed=1)
    ranges = {"x": [0.0, 20.0]}
    report = client.quality(table.to_reader(max_chunksize=50), ranges=ranges)
    expected = quality(table, ranges={"x": (0.0, 20.0)})
    assert report.to_dict() == expected.to_dict()


def test_empty_stream_and_all_null_columns(client):
    empty = pa.table({"x": pa.array([], pa.float64())})
    assert client.math(empty, "exp").num_rows == 0
    nulls = pa.table({"x": pa.array([None, None], pa.float64())})
    assert client.math(nulls, "log").column("x").to_pylist() == [None, None]
    report = client.quality(nulls)
    assert report.to_frame().loc["x", "completeness"] == 0.0


def test_chunked_and_special_values(client):
    chunked = pa.table({"x": pa.chunked_array([[0.0, np.inf], [-np.inf, np.nan]])})
    result = client.math(chunked, "tanh").column("x").to_numpy()
    np.testing.assert_array_equal(result, np.tanh([0.0, np.inf, -np.inf, np.nan]))


def test_streams_a_reader_without_materialising_it(client):
    produced: list[int] = []

    def batches():
        for i in range(5):
            produced.append(i)
            yield pa.record_batch({"x": pa.array(np.full(10, float(i)))})

    reader = pa.RecordBatchReader.from_batches(pa.schema({"x": pa.float64()}), batches())
    produced_when_answered = [len(produced) for _ in client.exchange("math", reader, window=1, function="exp")]
    assert produced_when_answered == [1, 2, 3, 4, 5]  # each answer came before the next batch was made
    produced.clear()
    reader = pa.RecordBatchReader.from_batches(pa.schema({"x": pa.float64()}), batches())
    produced_when_answered = [len(produced) for _ in client.exchange("math", reader, window=2, function="exp")]
    assert all(count <= i + 2 for i, count in enumerate(produced_when_answered))  # at most 2 in flight


# ---------------------------------------------------------------- concurrency


def test_eight_clients_twenty_streams_each(server):
    table = _table(2000, seed=5)
    expected_exp = rt_pandas.math.exp(table.column("x")).to_numpy()  # the in-process result
    expected_quality = quality(table).to_dict()

    def run(worker: int) -> None:
        with flight.Client(server.location, timeout=60) as c:
            for stream in range(20):
                if stream % 2:
                    got = c.math(table.to_reader(max_chunksize=500), "exp", columns=["x"])
                    np.testing.assert_array_equal(got.column("x").to_numpy(zero_copy_only=False), expected_exp)
                else:
                    assert c.quality(table.to_reader(max_chunksize=700)).to_dict() == expected_quality

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(run, range(8)))


# ---------------------------------------------------------------- bad requests


def _raw_exchange(location: str, command: bytes, table: pa.Table, **client_kwargs) -> None:
    c = fl.FlightClient(location, generic_options=[("grpc.use_local_subchannel_pool", 1)], **client_kwargs)
    writer, reader = c.do_exchange(fl.FlightDescriptor.for_command(command))
    writer.begin(table.schema)
    writer.write_table(table)
    writer.done_writing()
    reader.read_all()


BAD_REQUESTS = [
    (b'{"op": "nope"}', "unknown op 'nope'"),
    (b'{"op": "math", "columns": ["missing"], "params": {"function": "exp"}}', "column 'missing' is not in the stream"),
    (b'{"op": "math", "columns": ["s"], "params": {"function": "exp"}}', "column 's' has type string"),
    (b'{"op": "math" "columns"', "not valid JSON"),
    (b'\xff\xfe', "not valid JSON"),
    (b'[1, 2]', "must be a JSON object"),
    (b'{"op": "math", "params": {"function": "cube"}}', "math function 'cube' is not one of"),
    (b'{"op": "math", "params": {"function": "exp", "base": 2}}', "takes no parameter 'base'"),
    (b'{"op": "math", "params": {"function": "clamp", "lower": 5, "upper": 1}}', "lower"),
    (b'{"op": "anomaly_scores", "params": {"method": "magic"}}', "method 'magic'"),
    (b'{"op": "anomaly_scores", "params": {"statistics": [1, 2]}}', "\"statistics\" must be an object"),
    (b'{"op": "anomaly_scores", "params": {"statistics": {"x": {"mean": 1}}}}',
     "statistics['x'] for method 'zscore' must be a dict with exactly the keys ['mean', 'std']"),
    (b'{"op": "anomaly_scores", "params": {"statistics": {"x": {"mean": 1, "std": -1}}}}',
     "statistics['x']['std'] must be >= 0"),
    (b'{"op": "anomaly_scores", "columns": ["x", "n"], "params": {"statistics": {"x": {"mean": 1, "std": 1}}}}',
     "\"statistics\" has no entry for column 'n'"),
    (b'{"op": "anomaly_scores", "params": {"method": "iqr", "statistics": {"x": {"q1": 2, "q3": 1}}}}',
     "q1 (2.0) must not exceed q3 (1.0)"),
    (b'{"op": "anomaly_scores", "params": {"output": "csv"}}', "output 'csv' is not one of"),
    (b'{"op": "quality", "params": {"ranges": {"x": [5, 1]}}}', "range"),
    (b'{"op": "quality", "params": {"ranges": {"nope": [0, 1]}}}', "nope"),
    (b'{"op": "quality", "params": {"ranges": [0, 1]}}', "'ranges' must be an object"),
    (b'{"op": "math", "params": {"function": "clamp", "lower": "a", "upper": 1}}', "lower"),
    (b'{"op": "math", "params": {"function": "exp"}, "extra": 1}', "unknown request fields"),
    (b"{" + b" " * 70_000 + b"}", "the limit is 65536"),
]


@pytest.mark.parametrize("command, message", BAD_REQUESTS)
def test_bad_request_gets_one_sentence_and_the_server_lives(server, command, message):
    table = _table(100)
    with pytest.raises(fl.FlightServerError) as info:
        _raw_exchange(server.location, command, table)
    text = str(info.value)
    assert message in text
    assert not re.search(r"Traceback|\.py\b|/\w+/", text)  # no traceback, no file paths
    with flight.Client(server.location) as c:
        assert c.math(pa.table({"x": [0.0]}), "exp").column("x").to_pylist() == [1.0]


def test_size_limits(backend):
    limits = flight.Limits(max_batch_rows=100, max_request_rows=250, max_request_bytes=10**9)
    with flight.serve(block=False, limits=limits) as running, flight.Client(running.location) as c:
        with pytest.raises(fl.FlightServerError, match="a batch has 101 rows; the limit is 100"):
            c.math(pa.table({"x": np.zeros(101)}), "exp")
        with pytest.raises(fl.FlightServerError, match="exceeds the limit of 250 rows"):
            c.math(pa.table({"x": np.zeros(300)}).to_reader(max_chunksize=100), "exp")
        assert c.math(pa.table({"x": np.zeros(250)}).to_reader(max_chunksize=100), "exp").num_rows == 250
        assert c.stats()["errors"] == 2
    byte_limits = flight.Limits(max_request_bytes=800)
    with flight.serve(block=False, limits=byte_limits) as running, flight.Client(running.location) as c:
        with pytest.raises(fl.FlightServerError, match="800 bytes"):
            c.quality(pa.table({"x": np.zeros(200)}).to_reader(max_chunksize=50))


def test_unknown_action(client):
    with pytest.raises(fl.FlightServerError, match="unknown action 'reboot'"):
        client.action("reboot")
    assert client.ping() == "pong"


# ---------------------------------------------------------------- auth and TLS


def test_bearer_token(backend):
    with flight.serve(block=False, token="s3cret") as running:
        with pytest.raises(fl.FlightUnauthenticatedError):
            flight.Client(running.location).ping()
        with pytest.raises(fl.FlightUnauthenticatedError):
            flight.Client(running.location, token="wrong").ping()
        with pytest.raises(fl.FlightUnauthenticatedError):
            _raw_exchange(running.location, b'{"op": "math", "params": {"function": "exp"}}', pa.table({"x": [1.0]}))
        with flight.Client(running.location, token="s3cret") as c:
            assert c.ping() == "pong"
            assert c.math(pa.table({"x": [0.0]}), "exp").column("x").to_pylist() == [1.0]


def _certificate(name: str, issuer=None, issuer_key=None, ca: bool = False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        import ipaddress

        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    cert = builder.sign(issuer_key or key, hashes.SHA256())
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert, key, cert.public_bytes(serialization.Encoding.PEM), pem_key


@pytest.fixture(scope="module")
def pki():
    ca, ca_key, ca_pem, _ = _certificate("rt-pandas test CA", ca=True)
    _, _, server_pem, server_key = _certificate("localhost", ca, ca_key)
    _, _, client_pem, client_key = _certificate("client", ca, ca_key)
    return {"ca": ca_pem, "server": (server_pem, server_key), "client": (client_pem, client_key)}


def test_tls(pki, backend):
    cert, key = pki["server"]
    with flight.serve(block=False, tls={"cert": cert, "key": key}) as running:
        assert running.location.startswith("grpc+tls://")
        with flight.Client(running.location, tls_root_certs=pki["ca"]) as c:
            assert c.math(pa.table({"x": [0.0]}), "exp").column("x").to_pylist() == [1.0]
        with pytest.raises(fl.FlightUnavailableError):
            flight.Client(running.location.replace("grpc+tls", "grpc"), timeout=5).ping()


def test_mutual_tls(pki, tmp_path, backend):
    cert, key = pki["server"]
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(pki["ca"])
    with flight.serve(block=False, tls={"cert": cert, "key": key, "client_ca": str(ca_file)}) as running:
        with pytest.raises(fl.FlightError):
            flight.Client(running.location, tls_root_certs=pki["ca"], timeout=5).ping()
        client_cert, client_key = pki["client"]
        with flight.Client(running.location, tls_root_certs=str(ca_file), cert_chain=client_cert,
                           private_key=client_key) as c:
            assert c.ping() == "pong"


# ---------------------------------------------------------------- failures


KILLED_CLIENT = textwrap.dedent("""
    import sys, numpy as np, pyarrow as pa, pyarrow.flight as fl
    c = fl.FlightClient(sys.argv[1])
    writer, reader = c.do_exchange(fl.FlightDescriptor.for_command(b'{"op": "quality"}'))
    batch = pa.record_batch({"x": pa.array(np.random.default_rng(0).normal(size=200_000))})
    writer.begin(batch.schema)
    for _ in range(5):
        writer.write_batch(batch)
    print("sent", flush=True)
    sys.stdin.read()  # wait to be killed mid-stream
""")


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_killed_client_frees_what_it_held(server, client):
    gc.collect()
    before = memory.stats()["bytes_in_use"]
    rows_before = client.stats()["rows"]
    process = subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, server.location], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "sent"
        assert _wait_for(lambda: client.stats()["rows"] >= rows_before + 1_000_000)
        assert client.stats()["active_streams"] == 1
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    assert _wait_for(lambda: client.stats()["active_streams"] == 0)
    gc.collect()
    assert _wait_for(lambda: (gc.collect(), memory.stats()["bytes_in_use"])[1] <= before)
    assert client.math(pa.table({"x": [0.0]}), "exp").column("x").to_pylist() == [1.0]


def test_restart_on_the_same_port(backend):
    first = flight.serve(block=False)
    port = first.port
    with flight.Client(first.location) as c:
        assert c.ping() == "pong"
    assert first.shutdown(timeout=10)
    second = flight.serve(port=port, block=False)
    try:
        assert second.port == port
        with flight.Client(second.location) as c:
            assert c.quality(pa.table({"x": [1.0, 2.0]})).rows == 2
    finally:
        assert second.shutdown(timeout=10)


def test_shutdown_is_bounded_with_an_open_stream(backend):
    running = flight.serve(block=False)
    c = fl.FlightClient(running.location)
    writer, _ = c.do_exchange(fl.FlightDescriptor.for_command(b'{"op": "quality"}'))
    writer.begin(pa.schema({"x": pa.float64()}))
    writer.write_batch(pa.record_batch({"x": [1.0]}))
    started = time.monotonic()
    running.shutdown(timeout=3)
    assert time.monotonic() - started < 6
    c.close()


# ---------------------------------------------------------------- command line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serve_with_token_and_workers(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("cli-token\n")
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "rt_pandas", "flight", "serve", "--port", str(port),
                                "--token-file", str(token_file), "--workers", "2"],
                               stdout=subprocess.PIPE, text=True)
    try:
        locations = [f"grpc://127.0.0.1:{port}", f"grpc://127.0.0.1:{port + 1}"]
        assert process.stdout.readline().strip() == f"rt-pandas flight: 2 workers on {' '.join(locations)}"
        with flight.Client(locations, token="cli-token", timeout=10) as c:
            pids = {c.stats()["pid"] for _ in range(4)}
            table = pa.table({"x": [1.0, None, 3.0]})
            assert all(c.quality(table).to_dict() == quality(table).to_dict() for _ in range(2))
        assert len(pids) == 2 and process.pid not in pids  # the client spread its calls over both workers
        with pytest.raises(fl.FlightUnauthenticatedError):
            flight.Client(f"grpc://127.0.0.1:{port}", timeout=10).ping()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_cli_rejects_half_tls(capsys):
    from rt_pandas.cli import main

    assert main(["flight", "serve", "--tls-cert", "cert.pem"]) == 2
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
