"""Regenerate basalt/v1 from proto/basalt/v1/*.proto. Run: python scripts/gen_proto.py [--check]."""

from __future__ import annotations

import filecmp
import pathlib
import shutil
import sys
import tempfile

from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
OUT_DIR = ROOT / "basalt" / "v1"


def generate(into: pathlib.Path) -> None:
    sources = sorted(str(p.relative_to(PROTO_DIR)) for p in (PROTO_DIR / "basalt" / "v1").glob("*.proto"))
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={into}", f"--pyi_out={into}",
            f"--grpc_python_out={into}", *sources]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")


def generated_files(base: pathlib.Path) -> dict[str, pathlib.Path]:
    return {p.name: p for p in (base / "basalt" / "v1").glob("*_pb2*.py*")}


def main() -> int:
    check = "--check" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        generate(pathlib.Path(tmp))
        fresh = generated_files(pathlib.Path(tmp))
        current = {p.name: p for p in OUT_DIR.glob("*_pb2*.py*")}
        stale = sorted(set(fresh) ^ set(current))
        stale += sorted(n for n in set(fresh) & set(current) if not filecmp.cmp(fresh[n], current[n], shallow=False))
        if check:
            if stale:
                print("stale generated code: " + ", ".join(stale) + " (run python scripts/gen_proto.py)")
                return 1
            return 0
        for path in current.values():
            path.unlink()
        for name, path in fresh.items():
            shutil.copy(path, OUT_DIR / name)
    (OUT_DIR / "__init__.py").write_text('"""Generated gRPC code for basalt.v1 (scripts/gen_proto.py); never edit by hand."""\n')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
