"""Procurement-audit benchmark: generate a 100,000-row inventory, audit it, time each stage.

    python bench/audit.py                      # 100,000 rows, CSV report, target < 10 s
    python bench/audit.py --rows 20000 --format html --json
    python bench/audit.py --check              # exit 1 when the target is missed

The inventory looks like a real asset export: brands repeat (with misspellings, subsidiaries,
relabel brands and clean brands), MAC addresses are distinct and written in every form the
reader accepts, descriptions repeat with distinct asset numbers in one row in ten, and a few
rows are bad (malformed MAC, empty).  The whole run (read, match, write) is timed in this one
process, on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
BRANDS = ("Hikvision", "HIKVISION", "Hikvison", "Hikvisoin", "Dahua", "Dahua Technology", "EZVIZ", "Imou",
          "Huawei", "HUAWEI TECHNOLOGIES CO.,LTD", "ZTE", "Hytera", "Lorex", "Honeywell", "Swann", "Bosch",
          "Axis Communications", "Axis", "Hanwha Vision", "Avigilon", "Cisco", "Dell", "HP", "Apple", "Lenovo",
          "Ubiquiti", "Netgear", "Mobotix", "Vivotek", "Genetec", "Milestone", "Sony", "Panasonic", "Verkada",
          "Uniview", "Tiandy", "Acme Widgets", "Contoso", "Northwind", "")
OUIS = (0x4419B6, 0xC056E3, 0x3CEF8C, 0x00408C, 0xACCC8E, 0x00000C, 0xF4CE46, 0x001B44, 0x94E1AC, 0xE0508B,
        0x08EDED, 0x9C2DCD, 0x000A5E, 0x3C8C40, 0x1868CB, 0x020000, 0xFCFFFF)
DESCRIPTIONS = ("Dome camera, lobby", "Bullet camera, car park", "Core switch", "Access point", "NVR 16ch",
                "Door controller", "Laptop", "Desktop PC", "Radio handset", "replaces old Dahua NVR",
                "PTZ camera (Hikvision OEM?)", "Video intercom", "Thermal camera", "Server rack", "")


def _mac(rng: random.Random, i: int) -> str:
    value = (rng.choice(OUIS) << 24) | (i & 0xFFFFFF)
    raw = f"{value:012x}"
    form = i % 5
    if form == 0:
        return ":".join(raw[j:j + 2] for j in range(0, 12, 2))
    if form == 1:
        return "-".join(raw[j:j + 2] for j in range(0, 12, 2)).upper()
    if form == 2:
        return ".".join(raw[j:j + 4] for j in range(0, 12, 4))
    if form == 3:
        return raw.upper()
    return ":".join(raw[j:j + 2] for j in range(0, 12, 2)).upper()


def generate(path: Path, rows: int, seed: int = 7) -> Path:
    """A CSV inventory of `rows` rows; deterministic for a seed."""
    import csv

    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("Asset Tag", "Manufacturer", "Model", "MAC Address", "Description", "Location"))
        for i in range(rows):
            brand = rng.choice(BRANDS)
            mac = _mac(rng, i) if rng.random() < 0.8 else ""
            if i % 997 == 0:
                mac = "not-a-mac"
            description = rng.choice(DESCRIPTIONS)
            if i % 10 == 0 and description:
                description = f"{description} #{i}"
            model = f"M-{rng.randrange(300)}" if brand else ""
            if i % 1499 == 0:
                brand = model = mac = description = ""
            writer.writerow((f"A{i:06d}", brand, model, mac, description, f"Building {i % 40}"))
    return path


def run(rows: int, fmt: str) -> dict[str, float | int | str]:
    started = time.perf_counter()
    from custodes.audit.inventory import read_inventory
    from custodes.audit.matcher import Auditor
    from custodes.audit.report import WRITERS
    from custodes.audit.run import audit_inventory

    with tempfile.TemporaryDirectory() as tmp:
        generated = time.perf_counter()
        source = generate(Path(tmp) / "inventory.csv", rows)
        started += time.perf_counter() - generated  # generating the input is not part of the audit
        auditor = Auditor()
        loaded = time.perf_counter()
        report = audit_inventory(read_inventory(source, max_bytes=1 << 30), auditor)
        audited = time.perf_counter()
        with (Path(tmp) / f"report.{fmt}").open("w", encoding="utf-8", newline="") as out:
            WRITERS[fmt](report, out)
        written = time.perf_counter()
        size = (Path(tmp) / f"report.{fmt}").stat().st_size
    return {"rows": len(report.items), "format": fmt, "setup_s": round(loaded - started, 3),
            "read_and_match_s": round(audited - loaded, 3), "write_s": round(written - audited, 3),
            "total_s": round(written - started, 3), "report_bytes": size, **report.counts,
            "row_errors": report.errors, "target_s": TARGET_SECONDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "json", "html"), default="csv")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    result = run(args.rows, args.format)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")
    return 1 if args.check and float(result["total_s"]) > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
