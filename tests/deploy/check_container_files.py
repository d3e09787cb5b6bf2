#!/usr/bin/env python3
"""Checks deploy/Dockerfile and deploy/compose.yaml without a Docker engine:
what can go wrong between files, which no schema catches.

  - the compose file parses, and every shard has its own name, its own
    volume at /var/lib/brug and its own --shard-prefixes;
  - the shards' letters split the code alphabet exactly (no letter twice,
    none missing), and agree with the map in deploy/nginx/brug-sharded.conf;
  - nginx's extra_hosts point at the addresses the shards are given;
  - every file the Dockerfile COPYs from the build context exists, and is
    not excluded by deploy/Dockerfile.dockerignore;
  - every package the Dockerfile installs exists in this Debian's archive
    (where apt-cache is there: the image is Debian 12, like this machine);
  - every shared library the built binary needs (BRUG_BINARY, ldd) comes
    from a package the runtime stage installs or debian:12-slim has.
Prints one line per check; exits 1 if any fails.
"""
import fnmatch
import os
import re
import shutil
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def option(command, name):
    """The value of the last `name` option in a command list (last one wins)."""
    value = None
    for i, arg in enumerate(command):
        if arg == name and i + 1 < len(command):
            value = command[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def nginx_map_letters(source, variable):
    """{upstream: letters} from one of the maps of brug-sharded.conf: $brug_shard
    (by the code in the path) or $brug_create (by ?from=CODE)."""
    text = open(os.path.join(REPO, "deploy/nginx/brug-sharded.conf")).read()
    block = re.search(r"map \$" + source + r" \$" + variable + r" \{(.*?)\n\}", text, re.S)
    check(block is not None, f"brug-sharded.conf has the map ${source} ${variable}")
    out = {}
    for cls, upstream in re.findall(r'"~\*\^(?:[^"]*\)/)?\[([^\]]+)\]"\s+(\w+);', block.group(1)):
        out[upstream] = cls
    return out


def main():
    compose = yaml.safe_load(open(os.path.join(REPO, "deploy/compose.yaml")))
    services = compose.get("services", {})
    shards = {name: s for name, s in services.items() if name.startswith("brug-")}
    check(len(shards) == 3, f"compose.yaml: three Brug shards ({', '.join(sorted(shards))})")

    letters_by_shard = {}
    subnet_hosts = {}
    for name, s in sorted(shards.items()):
        cmd = s.get("command", [])
        shard = option(cmd, "--shard")
        prefixes = option(cmd, "--shard-prefixes") or ""
        check(shard == name.removeprefix("brug-"), f"{name}: --shard {shard}")
        check(option(cmd, "--host") == "0.0.0.0", f"{name}: listens on 0.0.0.0 in its container")
        check(option(cmd, "--data") == "/var/lib/brug/brug.db", f"{name}: database in the volume")
        vols = s.get("volumes", [])
        check(any(v == f"{name}:/var/lib/brug" for v in vols), f"{name}: own volume {name}")
        letters_by_shard[shard] = prefixes.upper()
        for net in (s.get("networks") or {}).values():
            if net and "ipv4_address" in net:
                subnet_hosts[name] = net["ipv4_address"]

    all_letters = "".join(letters_by_shard.values())
    check(sorted(all_letters) == sorted(ALPHABET),
          f"shards split the code alphabet exactly: {letters_by_shard}")

    for source, variable in (("uri", "brug_shard"), ("arg_from", "brug_create")):
        nginx = nginx_map_letters(source, variable)
        for shard, letters in letters_by_shard.items():
            mapped = nginx.get(f"brug_shard_{shard}", "")
            check(sorted(mapped.upper()) == sorted(letters),
                  f"brug-sharded.conf's ${variable} maps [{mapped}] to shard {shard}, which owns {letters}")

    vol_names = set((compose.get("volumes") or {}).keys())
    check(vol_names >= set(shards), f"volumes declared: {sorted(vol_names)}")

    ng = services.get("nginx", {})
    mounts = ng.get("volumes", [])
    check(any(m.startswith("./nginx/brug-sharded.conf:") for m in mounts),
          "nginx: mounts deploy/nginx/brug-sharded.conf")
    hosts = dict(h.split(":", 1) for h in ng.get("extra_hosts", []))
    check(hosts == subnet_hosts, f"nginx: extra_hosts match the shards' addresses {subnet_hosts}")
    # The shards believe X-Real-IP from nginx only: its fixed address.
    ng_nets = ng.get("networks") or {}
    ng_addr = (ng_nets.get("brug") or {}).get("ipv4_address") if isinstance(ng_nets, dict) else None
    for name, s in sorted(shards.items()):
        proxy = option(s.get("command", []), "--trusted-proxy")
        check(ng_addr is not None and proxy == ng_addr,
              f"{name}: --trusted-proxy {proxy} is nginx's address {ng_addr}")

    # Dockerfile COPY sources (those from the build context, not --from=).
    dockerfile = open(os.path.join(REPO, "deploy/Dockerfile")).read()
    ignore = [l.strip() for l in open(os.path.join(REPO, "deploy/Dockerfile.dockerignore"))
              if l.strip() and not l.startswith("#")]

    def ignored(path):
        path = path.rstrip("/")
        for pat in ignore:
            pat = pat.removeprefix("**/")
            parts = path.split("/")
            # A pattern excludes a path if it matches the path or a folder on the way.
            for i in range(1, len(parts) + 1):
                if fnmatch.fnmatch("/".join(parts[:i]), pat) or fnmatch.fnmatch(parts[i - 1], pat):
                    return True
        return False

    for line in dockerfile.splitlines():
        m = re.match(r"^COPY\s+(?!--from)(.+)$", line)
        if not m:
            continue
        args = m.group(1).split()
        for src in args[:-1]:
            exists = os.path.exists(os.path.join(REPO, src))
            check(exists and not ignored(src), f"Dockerfile: COPY {src} is in the build context")

    check_packages(dockerfile)

    print(f"{failures} failure(s)" if failures else "all container-file checks passed")
    sys.exit(1 if failures else 0)


# Packages of debian:12-slim that a C++ binary may link against.
BASE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1", "zlib1g"}


def stage_packages(dockerfile):
    """[(stage name, [packages])] from the apt-get install lines of each stage."""
    stages = []
    for block in re.split(r"^FROM\s+", dockerfile, flags=re.M)[1:]:
        name = block.split("\n", 1)[0].strip()
        joined = block.replace("\\\n", " ")
        pkgs = []
        for m in re.finditer(r"apt-get install ([^&\n]*)", joined):
            pkgs += [w for w in m.group(1).split() if not w.startswith("-")]
        stages.append((name, pkgs))
    return stages


def check_packages(dockerfile):
    stages = stage_packages(dockerfile)
    if shutil.which("apt-cache"):
        # One apt-cache call for all (each costs a second or more): a block
        # per package that exists, "Candidate: (none)" for one without a version.
        every = sorted({p for _, pkgs in stages for p in pkgs})
        out = subprocess.run(["apt-cache", "policy", *every], capture_output=True, text=True).stdout
        candidate = dict(re.findall(r"^(\S+?)(?::\w+)?:\n\s+Installed: .*\n\s+Candidate: (\S+)", out, re.M))
        for name, pkgs in stages:
            for p in pkgs:
                check(candidate.get(p, "(none)") != "(none)", f"Dockerfile ({name}): package {p} exists")
    else:
        print("skip Dockerfile packages: no apt-cache here")

    binary = os.path.join(REPO, os.environ.get("BRUG_BINARY", "build/brug"))
    if not (os.path.exists(binary) and shutil.which("ldd") and shutil.which("dpkg")):
        print("skip runtime libraries: no built binary (BRUG_BINARY), ldd or dpkg")
        return
    runtime = set(stages[-1][1]) | BASE_PACKAGES
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    libs = re.findall(r"=> (/\S+)", ldd)
    # dpkg knows a file under the path its package installed, /lib or
    # /usr/lib (merged /usr), so ask for both, in one call.
    paths = {}
    for lib in libs:
        real = os.path.realpath(lib)
        for candidate in (real, real.replace("/usr/lib/", "/lib/", 1), real.replace("/lib/", "/usr/lib/", 1)):
            paths[candidate] = lib
    out = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout
    owner = {}
    for line in out.splitlines():
        pkg, _, path = line.partition(": ")
        owner[paths.get(path, path)] = pkg.split(":", 1)[0]
    for lib in libs:
        pkg = owner.get(lib, "?")
        check(pkg in runtime, f"runtime stage provides {os.path.basename(lib)} ({pkg})")


if __name__ == "__main__":
    main()
