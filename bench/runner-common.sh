# bench/runner-common.sh: shared by bench/overhead, bench/scaling and
# bench/boots-per-hour (sourced, not run): finds the binary, makes sure a
# kernel is in the cache, writes small benchmark topologies, times commands.
export LC_ALL=C
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${TOPOFARM_BIN:-$repo/build/topofarm}
[ -x "$bin" ] || { echo "$(basename "$0"): $bin not built (run make)" >&2; exit 3; }
cd "$repo"

tmp=$(mktemp -d /tmp/topofarm-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# need_kernel NAME: fetches or builds it if the cache lacks it.
need_kernel() {
	if ! "$bin" kernels list | awk -v k="$1" '$1 == k || ($1 == "*" && $2 == k)' | grep -q /; then
		echo "$(basename "$0"): kernel $1 is not in the cache; getting it" >&2
		"$bin" kernels fetch "$1" >&2 || exit 3
	fi
}

# write_topos DIR COUNT CPUS: COUNT one-node layouts named bench-1.. that boot
# to the probe and power off.
write_topos() {
	mkdir -p "$1"
	for i in $(seq 1 "$2"); do
		printf 'name bench-%d\ncpus %d\nmemory 512M\nstep probe nodes\nexpect * pass\n' "$i" "$3" >"$1/bench-$i.topo"
	done
}

# seconds CMD...: runs CMD, prints its wall time in seconds (3 decimals).
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || { echo "$(basename "$0"): failed: $*" >&2; exit 3; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l | xargs printf '%.3f\n'
}
