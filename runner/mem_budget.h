/* runner/mem_budget.h: how many guests the host's memory holds at once. A
 * guest's RAM is mmap()ed by QEMU (memory-backend-ram: share=off,
 * prealloc=off), so a guest costs host memory only for what it touches: QEMU
 * and its TCG code buffer, plus the part of guest RAM the kernel writes while
 * booting (struct pages, the kernel, the initramfs). bench/guest-memory
 * measures that per layout size; the estimate below is fitted on it with a
 * margin. `topofarm run` lowers -j to what MemAvailable holds (never below 1:
 * a run that cannot hold one guest still runs, one at a time, with a
 * warning). */
#ifndef RUNNER_MEM_BUDGET_H
#define RUNNER_MEM_BUDGET_H
#include <stdint.h>

/* The host memory one guest of guest_bytes RAM (the larger of -m and
 * maxmem) may take at its peak, in bytes. */
uint64_t mem_budget_per_guest(uint64_t guest_bytes);

/* What the host keeps for itself (other programs, page cache): 512 MiB. */
#define MEM_BUDGET_HOST_RESERVE (512ULL << 20)

/* The number of guests to run at once: requested, or fewer when
 * available (bytes of MemAvailable) cannot hold that many guests of the
 * largest layout; at least 1. *note (caller frees) is NULL when requested
 * stands, else one line saying what was chosen and why. */
int mem_budget_jobs(int requested, uint64_t available, uint64_t largest_guest, char **note);

/* MemAvailable from /proc/meminfo in bytes; 0 if unknown. */
uint64_t mem_budget_available(void);

#endif
