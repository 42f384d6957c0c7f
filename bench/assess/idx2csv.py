#!/usr/bin/env python3
"""Writes IDX images and labels (gzip) as a CSV with a header p0..pN,label, for `bastion assess`.

Usage: idx2csv.py IMAGES.gz LABELS.gz OUT.csv   (write OUT outside the repository: it is third-party data)
"""
import gzip
import struct
import sys


def main(images, labels, out):
    with gzip.open(images, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            sys.exit("not an IDX image file")
        pixels = f.read()
    with gzip.open(labels, "rb") as f:
        magic, lcount = struct.unpack(">II", f.read(8))
        if magic != 2049 or lcount != count:
            sys.exit("not the labels of these images")
        ys = f.read()
    size = rows * cols
    if len(pixels) != count * size or len(ys) != count:
        sys.exit("truncated IDX file")
    with open(out, "w") as w:
        w.write(",".join(f"p{i}" for i in range(size)) + ",label\n")
        for k in range(count):
            row = pixels[k * size:(k + 1) * size]
            w.write(",".join(str(b) for b in row) + f",{ys[k]}\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
