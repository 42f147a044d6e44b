#!/usr/bin/env python3
"""Write a manifest stream with many findings per object, to measure what the
printers cost on large reports (the SARIF and JSON printers above all).

Usage: python3 scripts/manyfindings.py FINDINGS FILE

Each object is a Deployment whose pod spec turns automount off and mounts one
projected volume of 100 serviceAccountToken sources without an audience: 100
TL101 findings an object, so FINDINGS / 100 objects (rounded up). The output
is deterministic.
"""
import sys

PER_OBJECT = 100


def deployment(i):
    sources = "".join(
        f"      - serviceAccountToken:\n          path: token-{j}\n          expirationSeconds: 3600\n"
        for j in range(PER_OBJECT))
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-{i:05d}
  namespace: team-{i % 50:02d}
  labels:
    app.kubernetes.io/name: worker-{i:05d}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: worker-{i:05d}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: worker-{i:05d}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: worker
        image: registry.example.com/team/worker:1.{i % 7}.0
        volumeMounts:
        - name: tokens
          mountPath: /var/run/secrets/tokens
          readOnly: true
      volumes:
      - name: tokens
        projected:
          sources:
""" + "\n".join("    " + l if l else l for l in sources.split("\n"))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    findings, path = int(sys.argv[1]), sys.argv[2]
    objects = -(-findings // PER_OBJECT)
    with open(path, "w") as out:
        for i in range(objects):
            if i:
                out.write("---\n")
            out.write(deployment(i))


if __name__ == "__main__":
    main()
