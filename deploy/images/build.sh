#!/usr/bin/env bash
# Builds the ppfarm images, tagged with the project version (the root pom's <version>):
#
#   deploy/images/build.sh                 # ppfarm:VERSION (coordinator, CPU worker, kafka)
#   deploy/images/build.sh --gpu           # and ppfarm:VERSION-cuda (GPU worker)
#   deploy/images/build.sh --print-tags    # only print the tags it would build
#
# PPFARM_IMAGE names the repository (default: ppfarm; e.g. registry.example/ops/ppfarm). The fat jar is built first
# with the CPU kernels only (-Dppfarm.cuda=off): the GPU image compiles the CUDA kernels itself (Dockerfile.gpu).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

# the first <version> of the root pom is the project's (the parent element comes later in module poms only)
version=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
[[ -n "$version" ]] || { echo "build.sh: no <version> in $root/pom.xml" >&2; exit 2; }
image=${PPFARM_IMAGE:-ppfarm}
gpu=false
print=false
for a in "$@"; do
    case "$a" in
        --gpu) gpu=true ;;
        --print-tags) print=true ;;
        *) echo "build.sh: unknown option $a (--gpu, --print-tags)" >&2; exit 2 ;;
    esac
done

tags=("$image:$version")
if $gpu; then tags+=("$image:$version-cuda"); fi
if $print; then printf '%s\n' "${tags[@]}"; exit 0; fi

./mvnw -B -q -DskipTests -Dppfarm.cuda=off -pl cli -am package
docker build -f deploy/images/Dockerfile --build-arg PPFARM_VERSION="$version" -t "$image:$version" .
if $gpu; then
    docker build -f deploy/images/Dockerfile.gpu --build-arg PPFARM_VERSION="$version" -t "$image:$version-cuda" .
fi
printf 'built %s\n' "${tags[@]}"
