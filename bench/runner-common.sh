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

# rounds: how many ABAB rounds the side-by-side benches run (>= 3).
rounds=${TOPOFARM_BENCH_ROUNDS:-3}
[ "$rounds" -ge 3 ] || { echo "$(basename "$0"): TOPOFARM_BENCH_ROUNDS must be >= 3" >&2; exit 2; }

# min_median LABEL RATIO...: prints "LABEL min X median Y" of the ratios.
min_median() {
	local label=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v l="$label" '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "  %-28s min %.3fx  median %.3fx  (%d rounds)\n", l, v[1], m, NR }'
}

# boot_argv FILE: runs one recorded QEMU argument vector (argv.txt, one
# argument per line) with the console to FILE.console: the bare-QEMU side.
boot_argv() {
	local args
	mapfile -t args <"$1"
	"${args[@]}" </dev/null >"$1.console" 2>&1
}
export -f boot_argv

# bare_qemu OUT KERNEL JOBS: boots every argv.txt that `topofarm run --out
# OUT` recorded for KERNEL, JOBS at a time, without topofarm.
bare_qemu() {
	find "$1/runs" -path "*/$2/1/argv.txt" -print0 | xargs -0 -P "$3" -n 1 bash -c 'boot_argv "$1"' _
}
