#!/bin/bash
# The container's HEALTHCHECK: GET /healthz on the Brug inside it, healthy
# when the answer is 200. Plain bash (/dev/tcp), so that the image needs no
# curl and the libraries that come with it. BRUG_PORT: the port Brug
# listens on in the container (8080 unless the command line changes it).
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/${BRUG_PORT:-8080}"
# HTTP/1.0: Brug answers and closes, so the read below cannot hang on a
# kept-alive connection.
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
[[ $status == HTTP/1.?" 200 "* ]]
