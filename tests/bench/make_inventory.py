#!/usr/bin/env python3
"""Writes OCS inventories (zlib, as FusionInventory sends them) with a given
number of packages: make_inventory.py OUT_DIR DEVICES PACKAGES [CHANGED]

OUT_DIR/dev-N.zlib for N in 0..DEVICES, each a distinct device (serial,
host name) with PACKAGES packages; OUT_DIR/dev-0-changed.zlib is device 0
again with CHANGED packages replaced by others (an upgrade run)."""
import os
import sys
import zlib


def inventory(n, packages, changed=0):
    soft = []
    for i in range(packages):
        name = f"package-{i:05d}"
        version = f"1.{i % 17}.{i % 5}"
        if i < changed:
            name, version = f"new-package-{i:05d}", "2.0"
        soft.append(
            f"<SOFTWARES><ARCH>amd64</ARCH><FROM>deb</FROM><NAME>{name}</NAME>"
            f"<PUBLISHER>Debian</PUBLISHER><SYSTEM_CATEGORY>utils</SYSTEM_CATEGORY>"
            f"<VERSION>{version}</VERSION></SOFTWARES>")
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><CONTENT>'
            f"<BIOS><SMANUFACTURER>LENOVO</SMANUFACTURER><SSN>BENCH{n:06d}</SSN></BIOS>"
            "<CPUS><CORE>4</CORE><NAME>Intel(R) Core(TM) i5-1345U</NAME><THREAD>8</THREAD></CPUS>"
            f"<HARDWARE><MEMORY>15800</MEMORY><NAME>bench-{n}</NAME><OSNAME>Debian GNU/Linux 12</OSNAME>"
            "<OSVERSION>6.1.0</OSVERSION></HARDWARE>"
            "<OPERATINGSYSTEM><FULL_NAME>Debian GNU/Linux 12 (bookworm)</FULL_NAME><VERSION>12.11</VERSION></OPERATINGSYSTEM>"
            + "".join(soft) +
            f"</CONTENT><DEVICEID>bench-{n}-2026-11-25-10-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>")


def main():
    out, devices, packages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    changed = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    os.makedirs(out, exist_ok=True)
    for n in range(devices):
        with open(os.path.join(out, f"dev-{n}.zlib"), "wb") as f:
            f.write(zlib.compress(inventory(n, packages).encode(), 6))
    with open(os.path.join(out, "dev-0-changed.zlib"), "wb") as f:
        f.write(zlib.compress(inventory(0, packages, changed).encode(), 6))
    xml = inventory(0, packages)
    print(f"{devices} devices, {packages} packages each: {len(xml) // 1024} KB of XML, "
          f"{len(zlib.compress(xml.encode(), 6)) // 1024} KB compressed")


if __name__ == "__main__":
    main()
