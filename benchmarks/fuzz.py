"""Fuzz the untrusted-input boundaries: table parsers, the new-film CSV reader, the image loader.

Run: ``python -m benchmarks.fuzz [--seconds 600] [--targets parsers new_films image]``. The seconds
are split evenly over the targets. Each target runs in its own subprocess under atheris
(coverage-guided libFuzzer) when it is installed (``pip install 'reelcast[dev]'``), else under a
small built-in mutation fuzzer (seeded random bytes, bit flips, truncation, splicing). Writes
``benchmarks/results/fuzz.json`` and ``fuzz.md``: iterations per target and every finding.

A finding is an exception a target must never raise:

* ``parsers``: ``parse_money``/``parse_date``/``parse_year``/``parse_literal_list``/
  ``parse_pipe_list``/``parse_comma_list``/``is_missing``/``fix_mojibake`` raise nothing at all;
* ``new_films``: ``read_new_films(bytes)`` raises only ``ReelcastError``;
* ``image``: ``load_image_bytes`` raises only ``ImageError`` (seeded with small JPEG, CMYK JPEG,
  PNG with alpha, palette PNG, GIF, BMP, WebP, TIFF files, mutated from there);

plus, under atheris, an input that takes over 10 s or 2 GB (libFuzzer's timeout/rss limits).
``tests/test_fuzz.py`` runs the same targets for a few seconds each in CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TARGETS = ("parsers", "new_films", "image")
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")


@dataclasses.dataclass
class FuzzRun:
    """What one target's run did: how many inputs it tried and what it found."""

    target: str
    engine: str
    seconds: float
    iterations: int
    findings: list[dict]
    returncode: int = 0


# ---------------------------------------------------------------------------------------------
# targets: one_input(data) and the seed corpus
# ---------------------------------------------------------------------------------------------
def _parsers_target() -> Callable[[bytes], None]:
    from reelcast.data._parse import (
        fix_mojibake,
        is_missing,
        parse_comma_list,
        parse_date,
        parse_literal_list,
        parse_money,
        parse_pipe_list,
        parse_year,
    )

    parsers = (parse_money, parse_date, parse_year, parse_literal_list, parse_pipe_list,
               parse_comma_list, is_missing, fix_mojibake)

    def one_input(data: bytes) -> None:
        if not data:
            return
        # the first byte picks the parser; the rest is its text (invalid UTF-8 replaced)
        parsers[data[0] % len(parsers)](data[1:].decode("utf-8", "replace"))

    return one_input


def _new_films_target() -> Callable[[bytes], None]:
    from reelcast import ReelcastError
    from reelcast.forecast._input import read_new_films

    def one_input(data: bytes) -> None:
        try:
            read_new_films(data, max_bytes=1_000_000)
        except ReelcastError:
            pass

    return one_input


def _image_target() -> Callable[[bytes], None]:
    from reelcast import ImageError
    from reelcast.vision import load_image_bytes

    def one_input(data: bytes) -> None:
        try:
            load_image_bytes(data, name="fuzz", max_pixels=4_000_000)
        except ImageError:
            pass

    return one_input


_SETUP = {"parsers": _parsers_target, "new_films": _new_films_target, "image": _image_target}


def seed_corpus(target: str) -> list[bytes]:
    """Small valid inputs the mutations start from."""
    if target == "parsers":
        cells = ["$1,234", "1.2M", "(3 million)", "Dec 18, 2009", "June 13, 1980 (United States)",
                 "Apr 3, 1998 to Apr 24, 1999", "Spring '98", "12/18/2009",
                 "2006-09-01 00:00:00+00:00", "1998.0", "[{'id': 1, 'name': 'alien'}]",
                 '[{"id": 28, "name": "Action"}]', "Action|Adventure", "Sunrise, Bandai Visual",
                 "Worldâ\x80\x99s"]
        return [bytes([i]) + cell.encode() for i in range(8) for cell in cells]
    if target == "new_films":
        return [
            b"title,release_date,budget,genres,cast\nStar Quest,2026-07-04,\"$150,000,000\","
            b"Action|Sci-Fi,A One|B Two\n",
            b"\xef\xbb\xbftitle,release_date,runtime,certification,original_language\n"
            b"X,2026-01-02,120,PG-13,en\nY,2027-05-06,,R,fr\n",
            b'title,release_date,overview\n"Quoted, title",2026-01-01,"multi\nline"\n',
        ]
    from PIL import Image

    out = []
    for fmt, mode in (("JPEG", "RGB"), ("JPEG", "CMYK"), ("JPEG", "L"), ("PNG", "RGBA"),
                      ("PNG", "P"), ("GIF", "P"), ("BMP", "RGB"), ("WEBP", "RGB"),
                      ("TIFF", "RGB"), ("PNG", "I;16")):
        buf = io.BytesIO()
        img = Image.new(mode, (24, 36))
        img.putpixel((3, 4), 200 if mode in ("L", "P", "I;16") else (200,) * len(mode))
        img.save(buf, fmt)
        out.append(buf.getvalue())
    return out


# ---------------------------------------------------------------------------------------------
# engines
# ---------------------------------------------------------------------------------------------
def _mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        if op == 0 and buf:  # flip a bit
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:  # set an interesting byte
            buf[rng.randrange(len(buf))] = rng.choice((0, 0xFF, 0x7F, 0x80, 0x22, 0x2C, 0x0A))
        elif op == 2:  # insert random bytes
            i = rng.randrange(len(buf) + 1)
            buf[i:i] = rng.randbytes(rng.randint(1, 16))
        elif op == 3 and buf:  # truncate
            del buf[rng.randrange(len(buf)):]
        elif op == 4 and buf:  # delete a run
            i = rng.randrange(len(buf))
            del buf[i:i + rng.randint(1, 32)]
        else:  # splice another seed
            other = rng.choice(seeds)
            i = rng.randrange(len(other) + 1)
            buf += other[i:]
    return bytes(buf)


def _builtin(target: str, seconds: float, seed: int) -> FuzzRun:
    """A dependency-free mutation fuzzer: random bytes and mutated seeds for ``seconds``."""
    one_input = _SETUP[target]()
    seeds = seed_corpus(target)
    rng = random.Random(seed)
    findings: list[dict] = []
    start = time.perf_counter()
    with warnings.catch_warnings():  # mutated TIFF tags etc. make Pillow warn on every input
        warnings.simplefilter("ignore")
        n = _loop(one_input, seeds, rng, start + seconds, findings)
    return FuzzRun(target, "builtin-mutation", round(time.perf_counter() - start, 1), n, findings)


def _loop(one_input, seeds: list[bytes], rng: random.Random, stop: float,
          findings: list[dict]) -> int:
    """Feed inputs until ``stop`` (a ``perf_counter`` time); return how many were tried."""
    n = 0
    while time.perf_counter() < stop:
        data = (rng.randbytes(rng.randint(0, 200)) if rng.random() < 0.1
                else _mutate(rng, rng.choice(seeds), seeds))
        n += 1
        try:
            one_input(data)
        except Exception as exc:  # a finding: the target let an unexpected exception out
            findings.append({"exception": f"{type(exc).__name__}: {exc}"[:300],
                             "input_hex": data[:200].hex()})
            if len(findings) >= 20:
                break
    return n


def _atheris_worker(target: str, libfuzzer_args: list[str]) -> None:  # pragma: no cover
    """Runs inside the subprocess: instrument reelcast only, then hand over to libFuzzer."""
    import atheris
    import numpy  # noqa: F401  - imported before instrumentation so that only reelcast is
    import pandas  # noqa: F401   instrumented (instrumenting pandas takes minutes)
    import PIL.Image  # noqa: F401

    with atheris.instrument_imports(include=["reelcast"]):
        one_input = _SETUP[target]()
    atheris.Setup([sys.argv[0], *libfuzzer_args], one_input)
    atheris.Fuzz()


def _atheris(target: str, seconds: float, seed: int) -> FuzzRun:
    with tempfile.TemporaryDirectory(prefix=f"reelcast-fuzz-{target}-") as tmp:
        corpus, artifacts = Path(tmp) / "corpus", Path(tmp) / "artifacts"
        corpus.mkdir()
        artifacts.mkdir()
        for i, data in enumerate(seed_corpus(target)):
            (corpus / f"seed{i:03d}").write_bytes(data)
        args = [f"-max_total_time={max(1, round(seconds))}", f"-seed={seed + 1}", "-timeout=10",
                "-rss_limit_mb=2048", "-max_len=4096", f"-artifact_prefix={artifacts}/",
                "-print_final_stats=1", str(corpus)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src"),
                                                            os.environ.get("PYTHONPATH", "")]),
               "OMP_NUM_THREADS": "1"}
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "benchmarks.fuzz", "--worker", target, "--",
                               *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=seconds + 300)
        elapsed = time.perf_counter() - start
        log = proc.stderr + proc.stdout
        done = _DONE.findall(log)
        runs = re.findall(r"stat::number_of_executed_units: (\d+)", log)
        iterations = int(done[-1][0]) if done else int(runs[-1]) if runs else 0
        findings = []
        for path in sorted(artifacts.iterdir()):
            findings.append({"kind": path.name.split("-")[0],
                             "input_hex": path.read_bytes()[:200].hex(),
                             "log": _exception_lines(log)})
        if proc.returncode != 0 and not findings:
            findings.append({"kind": f"exit {proc.returncode}", "log": _exception_lines(log)})
    return FuzzRun(target, "atheris", round(elapsed, 1), iterations, findings, proc.returncode)


def _exception_lines(log: str) -> str:
    marker = log.find("Uncaught Python exception")
    text = log[marker:] if marker >= 0 else log[-2000:]
    return "\n".join(text.splitlines()[:30])


def have_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def run_target(target: str, seconds: float, *, seed: int = 0, engine: str = "auto") -> FuzzRun:
    """Fuzz one target for about ``seconds``; ``engine`` is ``auto``, ``atheris`` or ``builtin``."""
    if target not in _SETUP:
        raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
    if engine == "atheris" or (engine == "auto" and have_atheris()):
        return _atheris(target, seconds, seed)
    return _builtin(target, seconds, seed)


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------
def write_results(runs: list[FuzzRun], out_dir: Path = RESULTS, seed: int | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"runs": [dataclasses.asdict(r) for r in runs],
            "total_iterations": sum(r.iterations for r in runs),
            "total_findings": sum(len(r.findings) for r in runs),
            "python": sys.version.split()[0]}
    (out_dir / "fuzz.json").write_text(json.dumps(data, indent=2) + "\n")
    lines = ["# Fuzzing the input boundaries", "",
             "`python -m benchmarks.fuzz --seconds N`: atheris (coverage-guided libFuzzer) when "
             "installed, else the built-in mutation fuzzer. A finding is an exception the target "
             "must never raise (parsers: any; new-film CSV: anything but ReelcastError; images: "
             "anything but ImageError), or an input over 10 s / 2 GB."
             + (f" This run: `--seed {seed}`." if seed is not None else ""), "",
             "| target | engine | seconds | iterations | iterations/s | findings |",
             "|---|---|---:|---:|---:|---:|"]
    for r in runs:
        rate = r.iterations / r.seconds if r.seconds else 0.0
        lines.append(f"| {r.target} | {r.engine} | {r.seconds:.0f} | {r.iterations:,} | "
                     f"{rate:,.0f} | {len(r.findings)} |")
    lines += ["", f"Total: {data['total_iterations']:,} inputs, {data['total_findings']} findings."]
    for r in runs:
        for f in r.findings:
            lines += ["", f"## finding in {r.target}", "", "```", f.get("exception")
                      or f.get("log", ""), "```", f"input (hex, first 200 bytes): "
                      f"`{f.get('input_hex', '')}`"]
    (out_dir / "fuzz.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:  # pragma: no cover - the atheris subprocess
        _atheris_worker(argv[1], argv[3:] if argv[2:3] == ["--"] else argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="total fuzzing time, split evenly over the targets (default 600)")
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), choices=TARGETS)
    parser.add_argument("--engine", default="auto", choices=("auto", "atheris", "builtin"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    per_target = args.seconds / len(args.targets)
    runs = []
    for target in args.targets:
        run = run_target(target, per_target, seed=args.seed, engine=args.engine)
        print(f"{target}: {run.engine}, {run.iterations:,} inputs in {run.seconds:.0f} s, "
              f"{len(run.findings)} findings", flush=True)
        runs.append(run)
    write_results(runs, args.out, seed=args.seed)
    print(f"wrote {args.out / 'fuzz.md'}")
    return 1 if any(r.findings for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
