#!/usr/bin/env python3
# tests/triage/make-fixtures.py: the one-off generator of the NAME.log fixtures in this
# directory (real 4.x/5.x/6.1/6.12 console formats). The .log/.expected files are the
# data the tests read; expected values are written by hand below, never taken from
# triage output. Usage: python3 tests/triage/make-fixtures.py tests/triage
# One-off generator for tests/triage fixtures: real kernel console format.
import random, os, sys
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
random.seed(7)   # fr() without its own generator: keep regeneration deterministic

HW = "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014"
HW_Q35 = "Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014"
K61 = "6.1.0-56-amd64"
K612 = "6.12.117+deb12-amd64"

def hx(r, n=16):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))

def regs(r, rip, code=True, user=False):
    cs = "0033" if user else "0010"
    L = [f"RIP: {cs}:{rip}"]
    if code:
        L.append("Code: " + " ".join(hx(r, 2) for _ in range(20)) + " <0f> 0b " + " ".join(hx(r, 2) for _ in range(20)))
    L += [f"RSP: {'002b' if user else '0000'}:ffffc900{hx(r,8)} EFLAGS: 00010{hx(r,3)}",
          f"RAX: {hx(r)} RBX: {hx(r)} RCX: 0000000000000000",
          f"RDX: 0000000000000001 RSI: {hx(r)} RDI: {hx(r)}",
          f"RBP: ffff8880{hx(r,8)} R08: 0000000000000000 R09: 0000000000000000",
          f"R10: 0000000000000000 R11: 0000000000000000 R12: ffff8880{hx(r,8)}",
          f"R13: 0000000000000000 R14: {hx(r)} R15: 0000000000000000"]
    if not user:
        L += [f"FS:  0000000000000000(0000) GS:ffff8880{hx(r,8)}(0000) knlGS:0000000000000000",
              "CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033",
              f"CR2: {hx(r)} CR3: 000000000{hx(r,7)} CR4: 00000000000006f0"]
    return L

def cpu61(cpu, pid, comm, taint=None, k=K61):
    t = "Not tainted" if not taint else "Tainted: " + taint
    return f"CPU: {cpu} PID: {pid} Comm: {comm} {t} {k} #1  Debian 6.1.192-1"

def cpu612(cpu, pid, comm, taint=None, k=K612):
    t = "Not tainted" if not taint else "Tainted: " + taint
    L = [f"CPU: {cpu} UID: 0 PID: {pid} Comm: {comm} {t} {k} #1  Debian 6.12.117-1"]
    if taint:
        L.append("Tainted: [W]=WARN")
    return L

def trace(r, frames, task=True, irq=None):
    L = ["Call Trace:"]
    if irq:
        L.append(" <IRQ>")
        L += [" " + f for f in irq]
        L.append(" </IRQ>")
    if task:
        L.append(" <TASK>")
    for f in frames:
        if f.startswith("!"):
            L.append(f[1:])       # raw line inside trace (regs)
        else:
            L.append(" " + f)
    if task:
        L.append(" </TASK>")
    return L

def fr(name, r=None):
    r = r or random
    return f"{name}+0x{r.randrange(0x10,0x400):x}/0x{r.randrange(0x400,0x900):x}"

def boot(r, kernel=K61, numa=True, cmdline="console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 nokaslr"):
    gcc = "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40"
    L = [f"Linux version {kernel} (debian-kernel@lists.debian.org) ({gcc}) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-1 (2025-01-02)",
         f"Command line: {cmdline}",
         "BIOS-provided physical RAM map:",
         "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
         "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
         "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
         "BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable",
         "BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved",
         "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
         "NX (Execute Disable) protection: active",
         "SMBIOS 2.8 present.",
         "DMI: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
         "tsc: Fast TSC calibration using PIT",
         "last_pfn = 0x7ffe0 max_arch_pfn = 0x400000000",
         "ACPI: Early table checksum verification disabled",
         "ACPI: RSDP 0x00000000000F5A50 000014 (v00 BOCHS )"]
    if numa:
        L += ["ACPI: SRAT 0x000000007FFE1E4D 0000F8 (v01 BOCHS  BXPC     00000001 BXPC 00000001)",
              "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]",
              "ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x3fffffff]",
              "ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7ffdffff]",
              "NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0x3fffffff] -> [mem 0x00000000-0x3fffffff]",
              "NODE_DATA(0) allocated [mem 0x3ffd5000-0x3fffffff]",
              "NODE_DATA(1) allocated [mem 0x7ffb5000-0x7ffdffff]"]
    else:
        L += ["No NUMA configuration found",
              "Faking a node at [mem 0x0000000000000000-0x000000007ffdffff]",
              "NODE_DATA(0) allocated [mem 0x7ffb5000-0x7ffdffff]"]
    L += ["Zone ranges:",
          "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
          "  DMA32    [mem 0x0000000001000000-0x000000007ffdffff]",
          "  Normal   empty",
          "Movable zone start for each node",
          "Early memory node ranges",
          "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
          "  node   0: [mem 0x0000000000100000-0x000000003fffffff]"]
    if numa:
        L.append("  node   1: [mem 0x0000000040000000-0x000000007ffdffff]")
    L += ["Initmem setup node 0 [mem 0x0000000000001000-0x000000003fffffff]",
          "On node 0, zone DMA: 1 pages in unavailable ranges",
          "ACPI: PM-Timer IO Port: 0x608",
          "smpboot: Allowing 2 CPUs, 0 hotplug CPUs",
          "percpu: Embedded 61 pages/cpu s212992 r8192 d28672 u1048576",
          "Built 2 zonelists, mobility grouping on.  Total pages: 515806",
          f"Kernel command line: {cmdline}",
          "Memory: 1993144K/2096632K available (14342K kernel code, 2434K rwdata, 9132K rodata, 2716K init, 4128K bss, 103228K reserved, 0K cma-reserved)",
          "SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=2, Nodes=2",
          "rcu: Preemptible hierarchical RCU implementation.",
          "NR_IRQS: 524544, nr_irqs: 440, preallocated irqs: 16",
          "Console: colour VGA+ 80x25",
          "printk: console [ttyS0] enabled",
          "ACPI: Core revision 20220331",
          "APIC: Switch to symmetric I/O mode setup",
          "Calibrating delay loop (skipped), value calculated using timer frequency.. 5599.99 BogoMIPS (lpj=11199984)",
          "pid_max: default: 32768 minimum: 301",
          "Mount-cache hash table entries: 4096 (order: 3, 32768 bytes, linear)",
          "smpboot: CPU0: AMD QEMU Virtual CPU version 2.5+ (family: 0xf, model: 0x6b, stepping: 0x1)",
          "rcu: Hierarchical SRCU implementation.",
          "smp: Bringing up secondary CPUs ...",
          "x86: Booting SMP configuration:",
          ".... node  #1, CPUs:      #1"]
    return L

def boot_tail():
    return ["smp: Brought up 2 nodes, 2 CPUs",
            "smpboot: Max logical packages: 2",
            "devtmpfs: initialized",
            "clocksource: jiffies: mask: 0xffffffff max_cycles: 0xffffffff, max_idle_ns: 7645041785100000 ns",
            "NET: Registered PF_NETLINK/PF_ROUTE protocol family",
            "PCI: Using configuration type 1 for base access",
            "HugeTLB: registered 2.00 MiB page size, pre-allocated 0 pages",
            "ACPI: Added _OSI(Module Device)",
            "ACPI: Interpreter enabled",
            "pci 0000:00:00.0: [8086:1237] type 00 class 0x060000",
            "pci 0000:00:01.0: [8086:7000] type 00 class 0x060100",
            "SCSI subsystem initialized",
            "clocksource: Switched to clocksource tsc-early",
            "Serial: 8250/16550 driver, 4 ports, IRQ sharing enabled",
            "00:04: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A",
            "Unpacking initramfs...",
            "Freeing initrd memory: 1204K",
            "sched_clock: Marking stable (1012345678, 1234567)->(1015456789, -1876544)",
            "registered taskstats version 1",
            "Freeing unused decrypted memory: 2036K",
            "Freeing unused kernel image (initmem) memory: 2716K",
            "Write protecting the kernel read-only data: 26624k",
            "Run /init as init process",
            "  with arguments:",
            "    /init",
            "  with environment:",
            "    HOME=/",
            "    TERM=linux"]

class Log:
    def __init__(self, seed, ts=True, caller=False, t0=0.0):
        self.r = random.Random(seed)
        self.t = t0
        self.ts = ts
        self.caller = caller
        self.lines = []
        self.cpu_tag = "T1"
    def k(self, lines, dt=0.0004, tag=None):
        for l in lines:
            self.t += self.r.uniform(dt * 0.5, dt * 1.5)
            pre = ""
            if self.ts:
                pre = f"[{self.t:12.6f}]"
                if self.caller:
                    pre += f"[{(tag or self.cpu_tag):>6}]"
                pre += " "
            self.lines.append(pre + l)
        return self
    def raw(self, *lines):
        self.lines += list(lines)
        return self
    def marker(self, what, kmsg=False):
        if kmsg:
            return self.k(["@@TOPOFARM " + what])
        return self.raw("@@TOPOFARM " + what)
    def jump(self, dt):
        self.t += dt
        return self
    def text(self, crlf=False):
        nl = "\r\n" if crlf else "\n"
        return nl.join(self.lines) + nl

FIX = []
def fixture(name, log, expect, crlf=False, data=None):
    FIX.append(name)
    with open(os.path.join(OUT, name + ".log"), "wb") as f:
        f.write(data if data is not None else log.text(crlf).encode("latin-1"))
    with open(os.path.join(OUT, name + ".expected"), "w") as f:
        f.write(expect.strip() + "\n")

def std_boot(L, kernel=K61, numa=True, marks=True, kmsg=False):
    L.k(boot(L.r, kernel, numa)).k(boot_tail(), dt=0.01)
    if marks:
        L.marker("READY", kmsg)
    return L

def guest_steps(L, steps, done=True, kmsg=False):
    for i, s in enumerate(steps, 1):
        L.marker(f"STEP {i} {s}", kmsg)
        L.jump(0.2)
    if done:
        L.marker("DONE", kmsg)
        L.k(["reboot: Power down"])
    return L

# ---------- report bodies ----------
def null_deref_000(L, cpu=0, addr="0000000000000000", ver="6.1"):
    r = L.r
    body = [f"BUG: kernel NULL pointer dereference, address: {addr}",
            "#PF: supervisor write access in kernel mode",
            "#PF: error_code(0x0002) - not-present page",
            "PGD 0 P4D 0 ",
            "Oops: 0002 [#1] PREEMPT SMP NOPTI" if ver == "6.1" else "Oops: Oops: 0002 [#1] PREEMPT SMP NOPTI"]
    body += [cpu61(cpu, 0, "swapper")] if ver == "6.1" else cpu612(cpu, 0, "swapper")
    body += [HW]
    body += regs(r, fr("_raw_spin_lock_irqsave", r))
    body += trace(r, [fr("deactivate_slab", r), "? " + fr("bootstrap", r), "? " + fr("preempt_count_sub", r),
                      "? " + fr("kmem_cache_alloc", r), "? " + fr("bootstrap", r), fr("bootstrap", r),
                      fr("kmem_cache_init", r), fr("start_kernel", r), fr("secondary_startup_64_no_verify", r)])
    body += ["Modules linked in:", f"CR2: {addr}", "---[ end trace 0000000000000000 ]---"]
    body += regs(r, fr("_raw_spin_lock_irqsave", r))
    body += ["Kernel panic - not syncing: Attempted to kill the idle task!",
             "---[ end Kernel panic - not syncing: Attempted to kill the idle task! ]---"]
    return body

# 000: seed, 6.1 early boot
L = Log(0)
L.k(boot(L.r))
L.k(["Memory: 2014000K/2097524K available"])
L.k(null_deref_000(L))
fixture("seed000_null_deref_deactivate_slab", L, """
# seed 000: node of 2 MiB, NULL dereference in kmem_cache_init (6.1.192 with the 4MB check put back)
outcome: panic
title: BUG: kernel NULL pointer dereference in deactivate_slab
frame: deactivate_slab
reports: 1
corrupted: no
phase: early boot
known_bug: seed-000
""")

# same bug, other addresses / CPU / timestamps, 6.12 format
L = Log(1000, t0=0.3)
L.k(boot(L.r, K612))
L.k(null_deref_000(L, cpu=1, ver="6.12"))
fixture("null_deref_deactivate_slab_612_variant", L, """
# the seed 000 crash as 6.12 prints it, other CPU/addresses/timestamps: same title
outcome: panic
title: BUG: kernel NULL pointer dereference in deactivate_slab
frame: deactivate_slab
reports: 1
corrupted: no
""")

# 001: 4.4 era page fault in __alloc_pages_nodemask after node hot-remove
def seed001_body(r):
    return ["BUG: unable to handle kernel paging request at 00000000000021c0",
            "IP: [<ffffffff8119ccb3>] __alloc_pages_nodemask+0x93/0xb70",
            "PGD 800000ffe853e067 PUD 7336bbc067 PMD 0 ",
            "Oops: 0000 [#1] SMP ",
            "Modules linked in: kvm_intel(+) kvm irqbypass crct10dif_pclmul",
            "Supported: Yes",
            "CPU: 88 PID: 1223749 Comm: modprobe Tainted: G        W              4.4.156-94.64-default #1",
            "Hardware name: Intel Corporation S2600WFD/S2600WFD, BIOS SE5C620.86B.01.00.0833.051120182255 05/11/2018",
            "task: ffff88727eff1880 ti: ffff887354490000 task.ti: ffff887354490000",
            "RIP: 0010:[<ffffffff8119ccb3>]  [<ffffffff8119ccb3>] __alloc_pages_nodemask+0x93/0xb70",
            "RSP: 0018:ffff887354493b40  EFLAGS: 00010202",
            "RAX: 00000000000021c0 RBX: 0000000000000000 RCX: 0000000000000000",
            "RDX: 0000000000000000 RSI: 0000000000000002 RDI: 00000000014000c0",
            "RBP: 00000000014000c0 R08: ffffffffffffffff R09: 0000000000000000",
            "R10: ffff88fffc89e790 R11: 0000000000014000 R12: 0000000000000101",
            "R13: ffffffffa0772cd4 R14: ffffffffa0769ac0 R15: 0000000000000000",
            "FS:  00007fdf2f2f1700(0000) GS:ffff88fffc880000(0000) knlGS:0000000000000000",
            "CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033",
            "CR2: 00000000000021c0 CR3: 00000077205ee000 CR4: 0000000000360670",
            "DR0: 0000000000000000 DR1: 0000000000000000 DR2: 0000000000000000",
            "DR3: 0000000000000000 DR6: 00000000fffe0ff0 DR7: 0000000000000400",
            "Stack:",
            " 0000000000000086 014000c014d20400 ffff887354493bb8 ffff882614d20f4c",
            " 0000000000000000 0000000000000046 0000000000000046 ffffffff810ac0c9",
            " ffff88ffe78c0000 ffffffff0000009f ffffe8ffe82d3500 ffff88ff8ac55000",
            "Call Trace:",
            " [<ffffffffa07476cd>] alloc_vmcs_cpu+0x3d/0x90 [kvm_intel]",
            " [<ffffffffa0772c0c>] hardware_setup+0x781/0x849 [kvm_intel]",
            " [<ffffffffa04a1c58>] kvm_arch_hardware_setup+0x28/0x190 [kvm]",
            " [<ffffffffa04856fc>] kvm_init+0x7c/0x2d0 [kvm]",
            " [<ffffffffa0772cf2>] vmx_init+0x1e/0x32c [kvm_intel]",
            " [<ffffffff8100213a>] do_one_initcall+0xca/0x1f0",
            " [<ffffffff81193886>] do_init_module+0x5a/0x1d7",
            " [<ffffffff81112083>] load_module+0x1393/0x1c90",
            " [<ffffffff81112b30>] SYSC_finit_module+0x70/0xa0",
            " [<ffffffff8161cbc3>] entry_SYSCALL_64_fastpath+0x1e/0xb7",
            "DWARF2 unwinder stuck at entry_SYSCALL_64_fastpath+0x1e/0xb7",
            "Leftover inexact backtrace:",
            "Code: 89 c6 41 83 e6 10 e9 2b 02 00 00 48 8b 04 24 48 63 d5 48 8b 04 d0 48 85 c0 74 0b <48> 8b 00 48 85 c0 74 03 ",
            "RIP  [<ffffffff8119ccb3>] __alloc_pages_nodemask+0x93/0xb70",
            " RSP <ffff887354493b40>",
            "CR2: 00000000000021c0",
            "---[ end trace 9d2b9c8a5ce03ac8 ]---"]

L = Log(1, t0=0.0)
L.k(["Linux version 4.4.156-94.64-default (geeko@buildhost) (gcc version 4.8.5 (SUSE Linux) ) #1 SMP Tue Oct 2 07:39:53 UTC 2018 (8a5ee8d)",
     "Command line: BOOT_IMAGE=/boot/vmlinuz-4.4.156-94.64-default root=/dev/sda2 console=ttyS0",
     "x86/fpu: Supporting XSAVE feature 0x01: 'x87 floating point registers'"])
L.k(boot_tail()[:10], dt=0.02)
L.k(["Freeing unused kernel memory: 1680K", "Write protecting the kernel read-only data: 12288k"])
L.marker("READY")
L.marker("STEP 1 hot-remove-node")
L.k(["Offlined Pages 32768", "Offlined Pages 32768", "memory memory96: Offline"], dt=0.5)
L.marker("STEP 2 modprobe-kvm")
L.jump(2.0)
L.k(seed001_body(L.r))
L.marker("DONE")
fixture("seed001_page_fault_alloc_pages_nodemask", L, """
# seed 001: 4.4 kernel, page fault inside the allocator for a hot-removed node (old format)
outcome: oops
title: BUG: unable to handle page fault in __alloc_pages_nodemask
frame: __alloc_pages_nodemask
reports: 1
corrupted: no
phase: step 2 modprobe-kvm
taint: GW
known_bug: seed-001
""")

# 003: VM_BUG_ON_PAGE in is_mem_section_removable (5.5 Fedora debug), lsmem
def seed003_body():
    return ["page:fffff4e6c0000000 is uninitialized and poisoned",
            "raw: ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff",
            "raw: ffffffffffffffff ffffffffffffffff ffffffffffffffff ffffffffffffffff",
            "page dumped because: VM_BUG_ON_PAGE(PagePoisoned(p))",
            "------------[ cut here ]------------",
            "kernel BUG at include/linux/mm.h:1087!",
            "invalid opcode: 0000 [#1] SMP NOPTI",
            "CPU: 63 PID: 5471 Comm: lsmem Not tainted 5.5.10-200.fc31.x86_64+debug #1",
            "Hardware name: Intel Corporation S2600WFD/S2600WFD, BIOS SE5C620.86B.02.01.0010.010620200716 01/06/2020",
            "RIP: 0010:is_mem_section_removable+0x1a4/0x1b0",
            "Code: 00 00 00 48 c7 c6 e8 1b 0f a2 e8 f5 27 fe ff 0f 0b 48 c7 c6 10 5d 0e a2 e8 e7 27 fe ff <0f> 0b 48 c7 c6 10 5d 0e a2 e8 d9",
            "RSP: 0018:ffffb8e3c8e4fdc0 EFLAGS: 00010246",
            "RAX: 0000000000000034 RBX: fffff4e6c0000000 RCX: 0000000000000000",
            "RDX: 0000000000000000 RSI: ffff98aa1f9d9cf8 RDI: ffff98aa1f9d9cf8",
            "RBP: 0000000000008000 R08: 0000000000000000 R09: 0000000000000000",
            "R10: 0000000000000000 R11: 0000000000000000 R12: 0000000000000000",
            "R13: fffff4e6c0200000 R14: 0000000000000000 R15: 0000000000000000",
            "FS:  00007f3ab153f580(0000) GS:ffff98aa1f9c0000(0000) knlGS:0000000000000000",
            "CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033",
            "CR2: 000055e7a3b9e0a8 CR3: 00000011a2e8e005 CR4: 00000000007606e0",
            "Call Trace:",
            " removable_show+0x6e/0xa0",
            " dev_attr_show+0x19/0x40",
            " sysfs_kf_seq_show+0xa9/0x100",
            " seq_read+0xd5/0x450",
            " vfs_read+0xc5/0x180",
            " ksys_read+0x68/0xe0",
            " do_syscall_64+0x5c/0xa0",
            " entry_SYSCALL_64_after_hwframe+0x49/0xbe",
            "RIP: 0033:0x7f3ab1646412",
            "Code: c0 e9 c2 fe ff ff 50 48 8d 3d 2a 87 0a 00 e8 95 e9 01 00 0f 1f 44 00 00 f3 0f 1e fa 64 8b 04 25 18 00 00 00 85 c0 75 10 0f 05 <48> 3d 00 f0 ff ff 77 56 c3 0f 1f 44 00 00 48 83 ec 28 48 89 54 24",
            "RSP: 002b:00007ffd3ed7b978 EFLAGS: 00000246 ORIG_RAX: 0000000000000000",
            "RAX: ffffffffffffffda RBX: 00005596f3f0c2a0 RCX: 00007f3ab1646412",
            "RDX: 0000000000001000 RSI: 00005596f3f0d2c0 RDI: 0000000000000004",
            "Modules linked in: ipmi_ssif intel_rapl_msr intel_rapl_common skx_edac",
            "---[ end trace 1b4a83ec0e9e3b2a ]---",
            "RIP: 0010:is_mem_section_removable+0x1a4/0x1b0"]

L = Log(3)
L.k(["Linux version 5.5.10-200.fc31.x86_64+debug (mockbuild@bkernel03.phx2.fedoraproject.org) (gcc version 9.2.1 20190827 (Red Hat 9.2.1-1) (GCC)) #1 SMP Wed Mar 18 14:21:38 UTC 2020",
     "Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.5.10-200.fc31.x86_64+debug root=/dev/mapper/fedora-root ro console=ttyS0,115200"])
L.k(boot_tail(), dt=0.3)
L.marker("READY")
L.marker("STEP 1 lsmem")
L.jump(140)
L.k(seed003_body())
L.marker("DONE")
fixture("seed003_vm_bug_on_page_is_mem_section_removable", L, """
# seed 003: last memory block shared by RAM and PMEM, lsmem reads memory96/removable
outcome: oops
title: kernel BUG in is_mem_section_removable
frame: is_mem_section_removable
reports: 1
corrupted: no
phase: step 1 lsmem
taint: -
known_bug: seed-003
""")

# 004: kpageflags crash, 4.17 format, panic_on_oops
def seed004_body(r, ver="4.17"):
    if ver == "4.17":
        head = ["BUG: unable to handle kernel paging request at fffffffffffffffe",
                "PGD 9b20e067 P4D 9b20e067 PUD 9b210067 PMD 0 ",
                "Oops: 0000 [#1] SMP PTI",
                "CPU: 2 PID: 1728 Comm: page-types Not tainted 4.17.0-rc6-mm1-v4.17-rc6-180605-0816-00236-g2dfb086ef02c+ #160",
                "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.11.0-2.fc28 04/01/2014"]
        rip = "RIP: 0010:stable_page_flags+0x27/0x3c0"
    else:
        head = ["BUG: unable to handle page fault for address: fffffffffffffffe",
                "#PF: supervisor read access in kernel mode",
                "#PF: error_code(0x0000) - not-present page",
                f"PGD {hx(r,8)} P4D {hx(r,8)} PUD {hx(r,8)} PMD 0 ",
                "Oops: 0000 [#1] PREEMPT SMP NOPTI",
                cpu61(1, 212, "page-types"), HW]
        rip = "RIP: 0010:" + fr("stable_page_flags", r)
    body = head + [rip] + regs(r, "x")[1:]
    body += trace(r, [fr("kpageflags_read", r), fr("proc_reg_read", r), fr("vfs_read", r), fr("ksys_pread64", r),
                      fr("do_syscall_64", r), fr("entry_SYSCALL_64_after_hwframe", r)] +
                  ["!" + l for l in regs(r, "0x7efc42e75e23", user=True)], task=(ver != "4.17"))
    body += ["Modules linked in:", "CR2: fffffffffffffffe"]
    body += [f"---[ end trace {hx(r)} ]---"]
    body += regs(r, rip[5:])
    return body

L = Log(4)
L.k(["Linux version 4.17.0-rc6-mm1-v4.17-rc6-180605-0816-00236-g2dfb086ef02c+ (naoya@localhost) (gcc version 8.1.1 20180502 (Red Hat 8.1.1-1) (GCC)) #160 SMP Tue Jun 5 08:21:57 JST 2018",
     "Command line: console=ttyS0 memmap=1G!4G panic_on_oops=1",
     "user-defined physical RAM map:",
     "user: [mem 0x0000000000000000-0x000000000009fbff] usable",
     "user: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
     "user: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
     "user: [mem 0x0000000000100000-0x00000000bffd6fff] usable",
     "user: [mem 0x00000000bffd7000-0x00000000bfffffff] reserved",
     "user: [mem 0x00000000feffc000-0x00000000feffffff] reserved",
     "user: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
     "user: [mem 0x0000000100000000-0x000000013fffffff] persistent (type 12)",
     "user: [mem 0x0000000140000000-0x000000023fffffff] usable",
     "Early memory node ranges",
     "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
     "  node   0: [mem 0x0000000000100000-0x00000000bffd6fff]",
     "  node   1: [mem 0x0000000140000000-0x000000023fffffff]"])
L.k(boot_tail(), dt=0.05)
L.marker("READY")
L.marker("STEP 1 read-kpageflags")
L.jump(3)
L.k(seed004_body(L.r))
L.k(["Kernel panic - not syncing: Fatal exception", "Kernel Offset: disabled",
     "---[ end Kernel panic - not syncing: Fatal exception ]---"])
fixture("seed004_page_fault_stable_page_flags", L, """
# seed 004: memmap=1G!4G PMEM on 2 nodes, reading /proc/kpageflags (4.17, panic_on_oops)
outcome: panic
title: BUG: unable to handle page fault in stable_page_flags
frame: stable_page_flags
reports: 1
corrupted: no
phase: step 1 read-kpageflags
known_bug: seed-004
""")

L = Log(40)
std_boot(L)
L.marker("STEP 1 read-kpageflags")
L.jump(1)
L.k(seed004_body(L.r, "6.1"))
L.marker("DONE")
L.k(["reboot: Power down"])
fixture("page_fault_stable_page_flags_61", L, """
# the seed 004 crash as 6.1 prints it: page-types killed, the guest goes on
outcome: oops
title: BUG: unable to handle page fault in stable_page_flags
frame: stable_page_flags
reports: 1
corrupted: no
taint: -
""")

# ---------- clean and marker-only outcomes ----------
L = Log(10)
std_boot(L)
guest_steps(L, ["numa-check", "meminfo"])
fixture("clean_boot_61", L, """
outcome: pass
reports: 0
corrupted: no
""")

L = Log(11)
std_boot(L, K612, kmsg=True)
guest_steps(L, ["numa-check", "hotplug-add", "online-movable"], kmsg=True)
fixture("clean_boot_612_kmsg_markers", L, """
outcome: pass
reports: 0
corrupted: no
""")

L = Log(12)
L.k(boot(L.r)).k(boot_tail(), dt=0.01)
L.k(["Kernel panic? no: init exited normally"[:0] or "random: crng init done"])
fixture("boot_fail_never_ready", L, """
# init ran but the probe never said READY, no panic: boot-fail
outcome: boot-fail
title: boot failure in init
reports: 0
corrupted: no
""")

L = Log(13)
L.k(boot(L.r)[:20])
fixture("boot_fail_early_silence", L, """
end: silence
outcome: boot-fail
title: boot failure in early boot
reports: 0
corrupted: no
""")

L = Log(14)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["acpi PNP0C80:00: Enumeration failure", "memory memory40: Onlined"], dt=0.3)
L.marker("STEP 2 online-movable")
fixture("hang_timeout_in_step", L, """
end: timeout
outcome: hang
title: hang in step 2 online-movable
reports: 0
corrupted: no
""")

L = Log(15)
std_boot(L)
L.marker("STEP 1 wait")
fixture("hang_unknown_end_no_done", L, """
# a bare log with READY and no DONE: inferred hang
outcome: hang
title: hang in step 1 wait
reports: 0
""")

L = Log(16)
std_boot(L)
guest_steps(L, ["x"])
fixture("infra_end", L, """
end: infra
outcome: infra
reports: 0
""")

# ---------- topology_sane benign ----------
def topo_sane(r, ver="6.1", cpu=1):
    L = [f"sched: CPU #{cpu}'s llc-sibling CPU #0 is not on the same node! [node: 1 != 0]. Ignoring dependency.",
         "------------[ cut here ]------------",
         f"WARNING: CPU: {cpu} PID: 0 at arch/x86/kernel/smpboot.c:{417 if ver=='6.1' else 424} topology_sane.isra.0+0x62/0x70",
         "Modules linked in:"]
    L += [cpu61(cpu, 0, f"swapper/{cpu}")] if ver == "6.1" else cpu612(cpu, 0, f"swapper/{cpu}")
    L += [HW]
    L += regs(r, fr("topology_sane.isra.0", r))
    L += trace(r, [fr("set_cpu_sibling_map", r), fr("start_secondary", r), fr("secondary_startup_64_no_verify", r)])
    L += ["---[ end trace 0000000000000000 ]---"]
    return L

L = Log(20)
L.k(boot(L.r)); L.k(topo_sane(L.r)); L.k(boot_tail(), dt=0.01)
L.marker("READY"); guest_steps(L, ["numa-check"])
fixture("benign_topology_sane_61", L, """
outcome: pass
reports: 1
corrupted: no
benign: 1
""")

L = Log(21)
L.k(boot(L.r, K612)); L.k(topo_sane(L.r, "6.12")); L.k(boot_tail(), dt=0.01)
L.marker("READY"); guest_steps(L, ["numa-check"])
fixture("benign_topology_sane_612", L, """
outcome: pass
reports: 1
benign: 1
""")

# ---------- WARNINGs ----------
def warning(r, func, file, line, frames, ver="6.1", cpu=0, pid=1, comm="swapper/0", taint=None):
    L = ["------------[ cut here ]------------",
         f"WARNING: CPU: {cpu} PID: {pid} at {file}:{line} {func}+0x{r.randrange(16,512):x}/0x{r.randrange(512,2048):x}",
         "Modules linked in:"]
    L += [cpu61(cpu, pid, comm, taint)] if ver == "6.1" else cpu612(cpu, pid, comm, taint)
    L += [HW] + regs(r, fr(func, r))
    L += trace(r, [fr(f, r) for f in frames])
    L += ["---[ end trace 0000000000000000 ]---"]
    return L

L = Log(30)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(warning(L.r, "add_memory_resource", "mm/memory_hotplug.c", 1389,
            ["__add_memory", "acpi_memory_device_add", "acpi_bus_attach", "acpi_bus_scan", "acpi_device_hotplug",
             "acpi_hotplug_work_fn", "process_one_work", "worker_thread", "kthread", "ret_from_fork"],
            pid=45, comm="kworker/u4:2"))
guest_steps(L, [], done=True)
fixture("warning_add_memory_resource_61", L, """
outcome: warning
title: WARNING in add_memory_resource
frame: add_memory_resource
reports: 1
corrupted: no
phase: step 1 hotplug-add
taint: -
""")

L = Log(31)
std_boot(L, K612)
L.marker("STEP 1 offline")
L.k(warning(L.r, "__offline_pages.cold", "mm/memory_hotplug.c", 2011,
            ["memory_subsys_offline", "device_offline", "state_store", "kernfs_fop_write_iter", "vfs_write",
             "ksys_write", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"],
            ver="6.12", pid=231, comm="probe", taint="G        W          "))
guest_steps(L, [], done=True)
fixture("warning_offline_pages_612_tainted", L, """
# 6.12 format: UID in the CPU line, Tainted: [W]=WARN legend, .cold suffix stripped
outcome: warning
title: WARNING in __offline_pages
frame: __offline_pages
reports: 1
corrupted: no
taint: GW
""")

L = Log(32)
std_boot(L)
L.marker("STEP 1 list")
L.k(["list_add corruption. prev->next should be next (ffff888003e4c0a8), but was ffff888003e4c0b0. (prev=ffff888003e4c0a8)."])
L.k(warning(L.r, "__list_add_valid", "lib/list_debug.c", 30,
            ["numa_add_memblk_to", "register_mem_node", "kthread", "ret_from_fork"], pid=90, comm="kworker/0:2"))
guest_steps(L, [], done=True)
fixture("warning_list_add_skipped", L, """
# the WARNING fires in __list_add_valid (skip list): the caller is named
outcome: warning
title: WARNING in numa_add_memblk_to
frame: numa_add_memblk_to
reports: 1
""")

L = Log(33)
std_boot(L)
L.marker("STEP 1 hotplug")
L.k(warning(L.r, "memmap_init_range", "mm/page_alloc.c", 6874,
            ["memmap_init_zone", "move_pfn_range_to_zone", "online_pages", "memory_block_action",
             "memory_subsys_online", "device_online", "state_store", "kernfs_fop_write_iter", "vfs_write",
             "ksys_write", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"], pid=301, comm="probe")[:-1])
L.k(["Kernel panic - not syncing: panic_on_warn set ...", "Kernel Offset: disabled",
     "---[ end Kernel panic - not syncing: panic_on_warn set ... ]---"])
fixture("warning_panic_on_warn", L, """
end: panic
outcome: panic
title: WARNING in memmap_init_range
frame: memmap_init_range
reports: 1
corrupted: no
""")

# shutdown-phase warning
L = Log(34)
std_boot(L)
guest_steps(L, ["numa-check"], done=False)
L.marker("DONE")
L.k(warning(L.r, "free_area_init_core_hotplug", "mm/page_alloc.c", 7714,
            ["try_offline_node", "remove_memory", "acpi_memory_device_remove", "acpi_bus_trim",
             "device_shutdown", "kernel_power_off", "__do_sys_reboot", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"],
            pid=1, comm="init"))
L.k(["reboot: Power down"])
fixture("warning_in_shutdown", L, """
outcome: warning
title: WARNING in free_area_init_core_hotplug
frame: free_area_init_core_hotplug
reports: 1
phase: shutdown
""")

# ---------- panics alone ----------
L = Log(40)
L.k(boot(L.r)).k(boot_tail()[:-8], dt=0.01)
L.k(["VFS: Cannot open root device \"sda1\" or unknown-block(0,0): error -6",
     "Please append a correct \"root=\" boot option; here are the available partitions:",
     "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
     cpu61(0, 1, "swapper/0"), HW])
L.k(trace(L.r, [fr("dump_stack_lvl"), fr("panic"), fr("mount_block_root"), fr("prepare_namespace"),
                fr("kernel_init_freeable"), "? " + fr("rest_init"), fr("kernel_init"), fr("ret_from_fork")]))
L.k(["Kernel Offset: disabled", "---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---"])
fixture("panic_vfs_no_root", L, """
end: qemu-exit
outcome: panic
title: Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(N,N)
frame: mount_block_root
reports: 1
corrupted: no
""")

L = Log(41)
L.k(boot(L.r))
L.k(["Out of memory: Killed process 1 (swapper/0) total-vm:0kB, anon-rss:0kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0",
     "Kernel panic - not syncing: System is deadlocked on memory",
     cpu61(0, 1, "swapper/0"), HW])
L.k(trace(L.r, [fr("dump_stack_lvl"), fr("panic"), fr("out_of_memory.cold"), fr("__alloc_pages_slowpath.constprop.0"),
                fr("__alloc_pages"), fr("alloc_large_system_hash"), fr("vfs_caches_init"), fr("start_kernel"),
                fr("secondary_startup_64_no_verify")]))
L.k(["---[ end Kernel panic - not syncing: System is deadlocked on memory ]---"])
fixture("panic_oom_early", L, """
outcome: panic
title: Kernel panic - not syncing: System is deadlocked on memory
frame: out_of_memory
reports: 1
phase: early boot
""")

L = Log(42)
std_boot(L, marks=False)
L.k(["Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009",
     cpu61(1, 1, "init"), HW])
L.k(trace(L.r, [fr("dump_stack_lvl"), fr("panic"), fr("do_exit.cold"), fr("do_group_exit"), fr("get_signal"),
                fr("arch_do_signal_or_restart"), fr("exit_to_user_mode_prepare"), fr("syscall_exit_to_user_mode"),
                fr("do_syscall_64"), fr("entry_SYSCALL_64_after_hwframe")]))
fixture("panic_kill_init_truncated_end", L, """
# init died and the log stops at the end of the stack dump (no end-of-panic line)
outcome: panic
title: Kernel panic - not syncing: Attempted to kill init! exitcode=N
frame: do_exit
reports: 1
corrupted: no
""")

# ---------- NULL deref variants ----------
def null_deref_step(r, func, frames, ver="6.1", cpu=0, pid=200, comm="probe", addr="0000000000000008", rip=None):
    L = [f"BUG: kernel NULL pointer dereference, address: {addr}",
         "#PF: supervisor read access in kernel mode",
         "#PF: error_code(0x0000) - not-present page",
         "PGD 0 P4D 0 ",
         "Oops: 0000 [#1] PREEMPT SMP NOPTI" if ver == "6.1" else "Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI"]
    L += [cpu61(cpu, pid, comm)] if ver == "6.1" else cpu612(cpu, pid, comm)
    L += [HW] + regs(r, fr(rip or func, r))
    L += trace(r, ([fr(func, r)] if rip else []) + [fr(f, r) for f in frames])
    L += ["Modules linked in:", f"CR2: {addr}", f"---[ end trace {'0'*16} ]---"]
    return L

L = Log(50)
std_boot(L, K612)
L.marker("STEP 1 hotplug-add")
L.k(null_deref_step(L.r, "node_states_set_node", ["online_pages", "memory_block_action", "memory_subsys_online",
                    "device_online", "state_store", "kernfs_fop_write_iter", "vfs_write", "ksys_write",
                    "do_syscall_64", "entry_SYSCALL_64_after_hwframe"], ver="6.12"))
L.k(["RIP: 0010:node_states_set_node+0x2a/0x60"])
guest_steps(L, [], done=True)
fixture("null_deref_612_oops_went_on", L, """
outcome: oops
title: BUG: kernel NULL pointer dereference in node_states_set_node
frame: node_states_set_node
reports: 1
corrupted: no
phase: step 1 hotplug-add
""")

# old 4.x NULL format
L = Log(51)
L.k(["Linux version 4.9.0-8-amd64 (debian-kernel@lists.debian.org) (gcc version 6.3.0 20170516 (Debian 6.3.0-18+deb9u1) ) #1 SMP Debian 4.9.130-2 (2018-10-27)"])
L.k(boot_tail(), dt=0.02)
L.marker("READY"); L.marker("STEP 1 online")
L.k(["BUG: unable to handle kernel NULL pointer dereference at 0000000000000010",
     "IP: [<ffffffff811a3c56>] get_pfnblock_flags_mask+0x16/0x60",
     "PGD 0 ", "", "Oops: 0000 [#1] SMP",
     "Modules linked in: joydev serio_raw",
     "CPU: 1 PID: 312 Comm: sh Not tainted 4.9.0-8-amd64 #1 Debian 4.9.130-2",
     "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.10.2-1 04/01/2014",
     "task: ffff88003c2f2080 task.stack: ffffc90000ba8000",
     "RIP: 0010:[<ffffffff811a3c56>]  [<ffffffff811a3c56>] get_pfnblock_flags_mask+0x16/0x60",
     "RSP: 0018:ffffc90000babd30  EFLAGS: 00010246",
     "Stack:",
     " ffffea0001000000 0000000000040000 ffffffff811a7c1e 0000000000040000",
     "Call Trace:",
     " [<ffffffff811a7c1e>] ? has_unmovable_pages+0x4e/0x180",
     " [<ffffffff811a7d8e>] start_isolate_page_range+0x8e/0x1a0",
     " [<ffffffff81220b5b>] __offline_pages.constprop.27+0x9b/0x8a0",
     " [<ffffffff814c4f0a>] memory_subsys_offline+0x4a/0x70",
     " [<ffffffff814a7d3d>] device_offline+0x8d/0xb0",
     " [<ffffffff814c4d8b>] store_mem_state+0x9b/0xd0",
     " [<ffffffff8127c6f2>] kernfs_fop_write+0x102/0x180",
     " [<ffffffff81203a14>] vfs_write+0xb4/0x1a0",
     " [<ffffffff81204e62>] SyS_write+0x52/0xc0",
     " [<ffffffff81003b7d>] do_syscall_64+0x8d/0xf0",
     " [<ffffffff8160e18e>] entry_SYSCALL_64_after_swapgs+0x58/0xc6",
     "Code: 48 89 f8 48 c1 e8 3a 48 8b 04 c5 c0 4b 93 81 48 8b 80 00 10 00 00 <48> 8b 48 10 48 89 f8 ",
     "RIP  [<ffffffff811a3c56>] get_pfnblock_flags_mask+0x16/0x60",
     " RSP <ffffc90000babd30>",
     "CR2: 0000000000000010",
     "---[ end trace 4a5bbba3fa2c0bc9 ]---"])
L.marker("DONE")
fixture("null_deref_old_4x_format", L, """
# 4.9: "unable to handle kernel NULL pointer dereference at", IP: line, [<addr>] frames
outcome: oops
title: BUG: kernel NULL pointer dereference in get_pfnblock_flags_mask
frame: get_pfnblock_flags_mask
reports: 1
corrupted: no
""")

# truncated mid-trace
L = Log(52)
std_boot(L)
L.marker("STEP 1 hotplug-add")
body = null_deref_step(L.r, "build_zonelists", ["__build_all_zonelists", "build_all_zonelists", "online_pages",
                       "memory_block_action", "memory_subsys_online", "device_online"])
cut = body.index(" <TASK>") + 3
L.k(body[:cut])
L.lines[-1] = L.lines[-1][:L.lines[-1].index("+0x") + 4]
fixture("truncated_mid_trace", L, """
end: silence
outcome: oops
title: BUG: kernel NULL pointer dereference in build_zonelists
frame: build_zonelists
reports: 1
corrupted: yes
""")

L = Log(53)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["BUG: kernel NULL pointer dereference, address: 0000000000000008", "#PF: supervisor read access in kernel mode"])
fixture("truncated_after_header", L, """
end: silence
outcome: oops
title: BUG: kernel NULL pointer dereference
reports: 1
corrupted: yes
""")

# ---------- page fault, bad page, soft lockup, sched atomic ----------
L = Log(60)
std_boot(L)
L.marker("STEP 1 compact")
L.k(["BUG: Bad page state in process probe  pfn:7ffe0",
     "page:00000000c9a5c2f1 refcount:0 mapcount:-128 mapping:0000000000000000 index:0x0 pfn:0x7ffe0",
     "flags: 0x1fffc0000000000(node=0|zone=1|lastcpupid=0x3fff)",
     "page_type: 0xffffff7f(buddy)",
     "raw: 01fffc0000000000 ffffea0001fff808 ffffea0001fff808 0000000000000000",
     "raw: 0000000000000000 0000000000000000 00000000ffffff7f 0000000000000000",
     "page dumped because: nonzero mapcount",
     "Modules linked in:",
     cpu61(0, 233, "probe", "G    B             "), HW])
L.k(trace(L.r, [fr("dump_stack_lvl"), fr("bad_page.cold"), fr("free_page_is_bad_report"), fr("free_unref_page_prepare"),
                fr("free_unref_page"), fr("__free_pages"), fr("memblock_free_pages"), fr("deferred_free_range"),
                fr("deferred_init_maxorder"), fr("deferred_init_memmap_chunk"), fr("kthread"), fr("ret_from_fork")]))
L.k(["Disabling lock debugging due to kernel taint", "random: crng init done"])
guest_steps(L, [], done=True)
fixture("bad_page_state_61", L, """
outcome: oops
title: BUG: Bad page state in memblock_free_pages
frame: memblock_free_pages
reports: 1
corrupted: no
taint: GB
""")

def soft_lockup(r, func, frames, cpu=1, ver="6.1"):
    L = [f"watchdog: BUG: soft lockup - CPU#{cpu} stuck for {r.randrange(22,60)}s! [probe:{r.randrange(100,999)}]",
         "Modules linked in:",
         "irq event stamp: 0"]
    L += [cpu61(cpu, 241, "probe", "G             L     ")] if ver == "6.1" else cpu612(cpu, 241, "probe", "G             L     ")
    L += [HW]
    L += regs(r, fr(func, r))
    L += trace(r, ["? " + fr("watchdog_timer_fn", r)] + [fr(f, r) for f in frames],
               irq=[fr("__hrtimer_run_queues", r), fr("hrtimer_interrupt", r), fr("__sysvec_apic_timer_interrupt", r),
                    fr("sysvec_apic_timer_interrupt", r)])
    return L

L = Log(61)
std_boot(L)
L.marker("STEP 1 offline")
L.jump(30)
L.k(soft_lockup(L.r, "test_pages_isolated", ["__offline_pages", "memory_subsys_offline", "device_offline",
                "state_store", "kernfs_fop_write_iter", "vfs_write", "ksys_write", "do_syscall_64",
                "entry_SYSCALL_64_after_hwframe"]))
fixture("soft_lockup_timeout", L, """
end: timeout
outcome: hang
title: BUG: soft lockup in test_pages_isolated
frame: test_pages_isolated
reports: 1
corrupted: no
taint: GL
""")

L = Log(62)
std_boot(L, K612)
L.marker("STEP 1 offline")
L.jump(30)
L.k(soft_lockup(L.r, "queued_spin_lock_slowpath", ["_raw_spin_lock", "zone_pcp_disable", "__offline_pages",
                "memory_subsys_offline", "device_offline"], ver="6.12"))
L.k(["Kernel panic - not syncing: softlockup: hung tasks", "Kernel Offset: disabled",
     "---[ end Kernel panic - not syncing: softlockup: hung tasks ]---"])
fixture("soft_lockup_panic_612", L, """
# RIP in the spinlock slowpath and _raw_spin_lock skipped: zone_pcp_disable named
outcome: panic
title: BUG: soft lockup in zone_pcp_disable
frame: zone_pcp_disable
reports: 1
corrupted: no
""")

L = Log(63)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["BUG: scheduling while atomic: kworker/0:1/12/0x00000002",
     "Modules linked in:",
     "Preemption disabled at:",
     "[<ffffffff8112a3b4>] node_set_online_locked+0x24/0x90",
     cpu61(0, 12, "kworker/0:1", "G        W          "), HW, "Workqueue: kacpi_hotplug acpi_hotplug_work_fn"])
L.k(trace(L.r, [fr("dump_stack_lvl"), fr("__schedule_bug.cold"), fr("__schedule"), fr("schedule"),
                fr("schedule_timeout"), fr("__wait_for_common"), fr("__flush_work"), fr("try_online_node"),
                fr("add_memory_resource"), fr("__add_memory"), fr("acpi_memory_device_add"), fr("kthread"),
                fr("ret_from_fork")]))
guest_steps(L, [], done=True)
fixture("sched_while_atomic", L, """
outcome: oops
title: BUG: scheduling while atomic in try_online_node
frame: try_online_node
reports: 1
taint: GW
""")

L = Log(64)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
     "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 71, name: kworker/u4:3",
     "preempt_count: 1, expected: 0", "RCU nest depth: 0, expected: 0",
     cpu61(1, 71, "kworker/u4:3"), HW])
L.k(trace(L.r, [fr("dump_stack_lvl"), fr("__might_resched.cold"), fr("kmem_cache_alloc_node"),
                fr("__kmalloc_node"), fr("alloc_node_mem_map"), fr("free_area_init_core_hotplug"),
                fr("hotadd_init_pgdat"), fr("__try_online_node"), fr("add_memory_resource"), fr("kthread"), fr("ret_from_fork")]))
guest_steps(L, [], done=True)
fixture("sleeping_in_atomic_alloc_skipped", L, """
# kmem_cache_alloc_node / __kmalloc_node are allocator entry points: skipped as callers
outcome: oops
title: BUG: sleeping function called from invalid context in alloc_node_mem_map
frame: alloc_node_mem_map
reports: 1
""")

# ---------- GPF ----------
L = Log(70)
std_boot(L)
L.marker("STEP 1 compact")
L.k(["general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI",
     cpu61(1, 34, "kcompactd0"), HW] + regs(L.r, fr("isolate_migratepages_block")))
L.k(trace(L.r, [fr("isolate_migratepages"), fr("compact_zone"), fr("kcompactd_do_work"), fr("kcompactd"),
                "? " + fr("prepare_to_wait_event"), fr("kthread"), fr("ret_from_fork")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"] + regs(L.r, fr("isolate_migratepages_block")))
L.k(["Kernel panic - not syncing: Fatal exception in interrupt", "Kernel Offset: disabled",
     "---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---"])
fixture("gpf_61_fatal", L, """
outcome: panic
title: general protection fault in isolate_migratepages_block
frame: isolate_migratepages_block
reports: 1
corrupted: no
""")

L = Log(71)
std_boot(L, K612)
L.marker("STEP 1 online")
L.k(["Oops: general protection fault, probably for non-canonical address 0xdffffc0000000002: 0000 [#1] PREEMPT SMP KASAN NOPTI",
     "KASAN: null-ptr-deref in range [0x0000000000000010-0x0000000000000017]"] + cpu612(0, 250, "probe") + [HW]
    + regs(L.r, fr("find_next_zone.isra.0")))
L.k(trace(L.r, ["? " + fr("die_addr"), "? " + fr("exc_general_protection"), "? " + fr("asm_exc_general_protection"),
                fr("shrink_zone_span"), fr("remove_pfn_range_from_zone"), fr("__offline_pages"),
                fr("memory_subsys_offline"), fr("device_offline")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"])
guest_steps(L, [], done=True)
fixture("gpf_612_kasan_oops_prefix", L, """
outcome: oops
title: general protection fault in find_next_zone
frame: find_next_zone
reports: 1
corrupted: no
""")

# ---------- kernel BUG ----------
L = Log(80)
L.k(boot(L.r))
L.k(["page:ffffea0000000000 refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x0",
     "flags: 0xfffffc0001000(reserved|node=0|zone=0|lastcpupid=0x1fffff)",
     "raw: 000fffffc0001000 ffffea0000000008 ffffea0000000008 0000000000000000",
     "raw: 0000000000000000 0000000000000000 00000001ffffffff 0000000000000000",
     "page dumped because: VM_BUG_ON_PAGE(!zone_spans_pfn(page_zone(page), pfn))",
     "------------[ cut here ]------------",
     "kernel BUG at mm/page_alloc.c:526!",
     "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
     cpu61(0, 0, "swapper"), HW] + regs(L.r, fr("set_pfnblock_flags_mask")))
L.k(trace(L.r, [fr("memmap_init_range"), fr("memmap_init"), fr("free_area_init"), fr("zone_sizes_init"),
                fr("paging_init"), fr("setup_arch"), fr("start_kernel"), fr("secondary_startup_64_no_verify")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"])
L.k(["Kernel panic - not syncing: Attempted to kill the idle task!",
     "---[ end Kernel panic - not syncing: Attempted to kill the idle task! ]---"])
fixture("vm_bug_on_page_set_pfnblock_flags_mask", L, """
outcome: panic
title: kernel BUG in set_pfnblock_flags_mask
frame: set_pfnblock_flags_mask
reports: 1
corrupted: no
phase: early boot
""")

L = Log(81)
std_boot(L, K612)
L.marker("STEP 1 hot-remove")
L.k(["------------[ cut here ]------------", "kernel BUG at mm/memory_hotplug.c:2142!",
     "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"] + cpu612(1, 260, "probe") + [HW] + regs(L.r, fr("try_remove_memory")))
L.k(trace(L.r, ["? " + fr("die"), "? " + fr("do_trap"), "? " + fr("handle_bug"), "? " + fr("exc_invalid_op"),
                fr("remove_memory"), fr("acpi_memory_device_remove"), fr("acpi_bus_trim"), fr("acpi_scan_hot_remove")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"])
guest_steps(L, [], done=True)
fixture("kernel_bug_612", L, """
outcome: oops
title: kernel BUG in try_remove_memory
frame: try_remove_memory
reports: 1
corrupted: no
""")

# ---------- KASAN, KFENCE, UBSAN ----------
def kasan(r, kind, access, func, frames, ver="6.1"):
    L = ["==================================================================",
         f"BUG: KASAN: {kind} in {fr(func, r)}",
         f"{access} of size 8 at addr ffff8880{hx(r,8)} by task probe/{r.randrange(100,999)}", ""]
    L += [cpu61(0, 240, "probe")] if ver == "6.1" else cpu612(0, 240, "probe")
    L += [HW]
    L += trace(r, [fr("dump_stack_lvl", r), fr("print_report", r), fr("kasan_report", r), fr(func, r)] + [fr(f, r) for f in frames])
    L += ["", "Allocated by task 1:", " " + fr("kasan_save_stack", r), " " + fr("__kasan_kmalloc", r),
          " " + fr("__kmalloc_node", r), " " + fr("alloc_node_data", r), "",
          f"The buggy address belongs to the object at ffff8880{hx(r,8)}",
          " which belongs to the cache kmalloc-64 of size 64",
          "The buggy address is located 0 bytes to the right of",
          " 64-byte region [ffff888003e4c080, ffff888003e4c0c0)", "",
          "Memory state around the buggy address:",
          " ffff888003e4bf80: fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc",
          ">ffff888003e4c080: 00 00 00 00 00 00 00 00 fc fc fc fc fc fc fc fc",
          "                                           ^",
          "=================================================================="]
    return L

L = Log(90)
std_boot(L)
L.marker("STEP 1 numa-check")
L.k(kasan(L.r, "slab-out-of-bounds", "Read", "node_distance_show", ["dev_attr_show", "sysfs_kf_seq_show",
          "seq_read_iter", "vfs_read", "ksys_read", "do_syscall_64"]))
L.k(["Disabling lock debugging due to kernel taint"])
guest_steps(L, [], done=True)
fixture("kasan_slab_oob_read_61", L, """
outcome: oops
title: KASAN: slab-out-of-bounds Read in node_distance_show
frame: node_distance_show
reports: 1
corrupted: no
""")

L = Log(91)
std_boot(L, K612)
L.marker("STEP 1 hot-remove")
L.k(kasan(L.r, "slab-use-after-free", "Write", "memset", ["__offline_pages", "memory_subsys_offline"], ver="6.12"))
guest_steps(L, [], done=True)
fixture("kasan_uaf_write_memset_skipped_612", L, """
# the access is in memset (skipped): the caller is named
outcome: oops
title: KASAN: slab-use-after-free Write in __offline_pages
frame: __offline_pages
reports: 1
""")

L = Log(92)
std_boot(L)
L.marker("STEP 1 numa-check")
L.k(["==================================================================",
     "BUG: KFENCE: out-of-bounds read in node_read_meminfo+0x6a/0x4c0", "",
     "Out-of-bounds read at 0xffff8c3f2e291fff (1B left of kfence-#72):",
     " node_read_meminfo+0x6a/0x4c0", " dev_attr_show+0x19/0x40", " sysfs_kf_seq_show+0xa9/0x100",
     " seq_read_iter+0x11c/0x450", " vfs_read+0x1f4/0x2e0", "",
     "kfence-#72: 0xffff8c3f2e292000-0xffff8c3f2e29201f, size=32, cache=kmalloc-32", "",
     "allocated by task 1 on cpu 0 at 0.219330s:", " __kmalloc+0x16e/0x3a0", " register_one_node+0x2b/0x120", "",
     cpu61(0, 240, "probe"), HW,
     "=================================================================="])
guest_steps(L, [], done=True)
fixture("kfence_oob_read", L, """
outcome: oops
title: KFENCE: out-of-bounds read in node_read_meminfo
frame: node_read_meminfo
reports: 1
corrupted: no
""")

def ubsan(r, kind, where, what, frames, ver="6.1"):
    L = ["================================================================================",
         f"UBSAN: {kind} in {where}", what]
    L += [cpu61(0, 0, "swapper/0")] if ver == "6.1" else cpu612(0, 0, "swapper/0")
    L += [HW]
    L += trace(r, [fr("dump_stack_lvl", r), fr("ubsan_epilogue", r), fr("__ubsan_handle_" + kind.replace("-", "_") + ".cold", r)] +
               [fr(f, r) for f in frames])
    L += ["================================================================================"]
    return L

L = Log(100)
L.k(boot(L.r))
L.k(ubsan(L.r, "shift-out-of-bounds", "mm/page_alloc.c:7581:17", "shift exponent 64 is too large for 64-bit type 'long unsigned int'",
          ["usemap_size", "setup_usemap", "free_area_init_core", "free_area_init", "zone_sizes_init", "paging_init",
           "setup_arch", "start_kernel"]))
L.k(boot_tail(), dt=0.01)
L.marker("READY")
guest_steps(L, ["numa-check"])
fixture("ubsan_shift_61", L, """
outcome: warning
title: UBSAN: shift-out-of-bounds in mm/page_alloc.c
frame: usemap_size
reports: 1
corrupted: no
phase: early boot
""")

L = Log(101)
std_boot(L, K612)
L.marker("STEP 1 hmat")
L.k(ubsan(L.r, "array-index-out-of-bounds", "drivers/acpi/numa/hmat.c:443:21", "index 4 is out of range for type 'u32 [4]'",
          ["hmat_update_target_access", "hmat_register_target_initiators", "hmat_init", "do_one_initcall",
           "kernel_init_freeable", "kernel_init", "ret_from_fork"], ver="6.12"))
guest_steps(L, [], done=True)
fixture("ubsan_array_index_612", L, """
outcome: warning
title: UBSAN: array-index-out-of-bounds in drivers/acpi/numa/hmat.c
frame: hmat_update_target_access
reports: 1
""")

# ---------- stalls ----------
L = Log(110)
std_boot(L)
L.marker("STEP 1 offline")
L.jump(21)
L.k(["rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
     "rcu: \t1-...!: (1 GPs behind) idle=c2c/1/0x4000000000000000 softirq=2191/2191 fqs=0",
     "\t(detected by 0, t=21002 jiffies, g=4813, q=107 ncpus=2)",
     "Sending NMI from CPU 0 to CPUs 1:",
     "NMI backtrace for cpu 1",
     cpu61(1, 241, "probe"), HW] + regs(L.r, fr("__zone_watermark_ok")))
L.k(trace(L.r, [fr("zone_watermark_ok_safe"), fr("kswapd_shrink_node"), fr("balance_pgdat"), fr("kswapd"),
                fr("kthread"), fr("ret_from_fork")]))
L.k(["rcu: rcu_preempt kthread starved for 21004 jiffies! g4813 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1"])
fixture("rcu_stall_detected_61", L, """
end: timeout
outcome: hang
title: INFO: rcu detected stall in __zone_watermark_ok
frame: __zone_watermark_ok
reports: 1
corrupted: no
""")

L = Log(111)
std_boot(L, K612)
L.marker("STEP 2 online-movable")
L.jump(21)
L.k(["rcu: INFO: rcu_preempt self-detected stall on CPU",
     "rcu: \t0-....: (20999 ticks this GP) idle=d14c/1/0x4000000000000000 softirq=1822/1822 fqs=5249",
     "rcu: \t(t=21000 jiffies g=3269 q=612 ncpus=2)"] + cpu612(0, 255, "probe") + [HW])
rr = L.r
L.k(trace(rr, ["asm_sysvec_apic_timer_interrupt+0x1a/0x20"] + ["!" + l for l in regs(rr, fr("shuffle_pick_tail", rr))] +
          [fr("__shuffle_zone", rr), fr("shuffle_zone", rr), fr("online_pages", rr), fr("memory_block_action", rr)],
          irq=[fr("dump_stack_lvl", rr), fr("nmi_cpu_backtrace.cold", rr), fr("nmi_trigger_cpumask_backtrace", rr),
               fr("rcu_dump_cpu_stacks", rr), fr("rcu_sched_clock_irq.cold", rr), fr("update_process_times", rr),
               fr("tick_nohz_handler", rr), fr("__hrtimer_run_queues", rr), fr("hrtimer_interrupt", rr),
               fr("__sysvec_apic_timer_interrupt", rr), fr("sysvec_apic_timer_interrupt", rr)]))
fixture("rcu_self_detected_stall_612", L, """
# the RIP of the interrupted code sits inside the trace, after the IRQ part
end: timeout
outcome: hang
title: INFO: rcu detected stall in shuffle_pick_tail
frame: shuffle_pick_tail
reports: 1
corrupted: no
phase: step 2 online-movable
""")

L = Log(112)
std_boot(L)
L.marker("STEP 1 offline")
L.jump(122)
L.k(["INFO: task probe:241 blocked for more than 120 seconds.",
     "      Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-1",
     "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
     "task:probe           state:D stack:0     pid:241   ppid:1      flags:0x00004002"])
L.k(trace(L.r, [fr("__schedule"), fr("schedule"), fr("schedule_preempt_disabled"), fr("__mutex_lock.constprop.0"),
                fr("mutex_lock"), fr("offline_and_remove_memory"), fr("state_store"), fr("kernfs_fop_write_iter"),
                fr("vfs_write"), fr("ksys_write"), fr("do_syscall_64"), fr("entry_SYSCALL_64_after_hwframe")]))
L.k(["INFO: lockdep is turned off."])
fixture("hung_task_61", L, """
end: timeout
outcome: hang
title: INFO: task hung in offline_and_remove_memory
frame: offline_and_remove_memory
reports: 1
taint: -
""")

# ---------- traps ----------
L = Log(120)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["traps: PANIC: double fault, error_code: 0x0",
     "double fault: 0000 [#1] PREEMPT SMP NOPTI", cpu61(1, 250, "probe"), HW] + regs(L.r, fr("__sparse_vmemmap_populate")))
L.k(["Kernel panic - not syncing: Machine halted.", "Kernel Offset: disabled",
     "---[ end Kernel panic - not syncing: Machine halted. ]---"])
fixture("double_fault", L, """
end: panic
outcome: panic
title: double fault in __sparse_vmemmap_populate
frame: __sparse_vmemmap_populate
reports: 1
corrupted: no
""")

L = Log(121)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["invalid opcode: 0000 [#1] PREEMPT SMP NOPTI", cpu61(0, 250, "probe"), HW] + regs(L.r, fr("arch_add_memory")))
L.k(trace(L.r, [fr("add_memory_resource"), fr("__add_memory"), fr("acpi_memory_device_add"), fr("kthread"), fr("ret_from_fork")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"])
guest_steps(L, [], done=True)
fixture("invalid_opcode_alone", L, """
outcome: oops
title: invalid opcode in arch_add_memory
frame: arch_add_memory
reports: 1
corrupted: no
""")

L = Log(122)
std_boot(L)
L.marker("STEP 1 numa-check")
L.k(["divide error: 0000 [#1] PREEMPT SMP NOPTI", cpu61(1, 250, "probe"), HW] + regs(L.r, fr("node_read_distance")))
L.k(trace(L.r, [fr("dev_attr_show"), fr("sysfs_kf_seq_show"), fr("seq_read_iter"), fr("vfs_read"), fr("ksys_read"),
                fr("do_syscall_64"), fr("entry_SYSCALL_64_after_hwframe")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"])
guest_steps(L, [], done=True)
fixture("divide_error_61", L, """
outcome: oops
title: divide error in node_read_distance
frame: node_read_distance
reports: 1
""")

L = Log(123)
L.k(boot(L.r, K612))
L.k(["Oops: divide error: 0000 [#1] PREEMPT SMP NOPTI"] + cpu612(0, 0, "swapper/0") + [HW] + regs(L.r, fr("find_zone_movable_pfns_for_nodes")))
L.k(trace(L.r, [fr("free_area_init"), fr("zone_sizes_init"), fr("paging_init"), fr("setup_arch"), fr("start_kernel"),
                fr("x86_64_start_reservations"), fr("x86_64_start_kernel"), fr("common_startup_64")]))
L.k(["---[ end trace 0000000000000000 ]---"])
fixture("divide_error_612_early_stops", L, """
# a BUG that stopped the kernel: early boot, nothing after it
end: qemu-exit
outcome: panic
title: divide error in find_zone_movable_pfns_for_nodes
frame: find_zone_movable_pfns_for_nodes
reports: 1
corrupted: no
""")

L = Log(124)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(["Oops: 0000 [#1] PREEMPT SMP NOPTI", cpu61(0, 250, "probe"), HW] + regs(L.r, fr("sparse_add_section")))
L.k(trace(L.r, [fr("__add_pages"), fr("add_pages"), fr("arch_add_memory"), fr("add_memory_resource")]))
L.k(["Modules linked in:", "CR2: 0000000000000040", "---[ end trace 0000000000000000 ]---"])
guest_steps(L, [], done=True)
fixture("oops_alone_header_lost", L, """
outcome: oops
title: Oops in sparse_add_section
frame: sparse_add_section
reports: 1
""")

# ---------- multiple reports, interleaving, formats ----------
L = Log(130)
L.k(boot(L.r)); L.k(topo_sane(L.r)); L.k(boot_tail(), dt=0.01)
L.marker("READY"); L.marker("STEP 1 hotplug-add")
L.k(warning(L.r, "add_memory_resource", "mm/memory_hotplug.c", 1389, ["__add_memory", "acpi_memory_device_add", "kthread"], pid=45, comm="kworker/u4:2"))
L.marker("STEP 2 online")
L.k(null_deref_step(L.r, "node_states_set_node", ["online_pages", "memory_block_action", "memory_subsys_online"]))
L.k(["Kernel panic - not syncing: Fatal exception", "---[ end Kernel panic - not syncing: Fatal exception ]---"])
fixture("multi_benign_warning_oops_panic", L, """
outcome: panic
title: BUG: kernel NULL pointer dereference in node_states_set_node
frame: node_states_set_node
reports: 3
benign: 1
corrupted: no
""")

L = Log(131)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(warning(L.r, "add_memory_resource", "mm/memory_hotplug.c", 1389, ["__add_memory", "acpi_memory_device_add", "kthread"], pid=45, comm="kworker/u4:2"))
L.k(warning(L.r, "sparse_add_section", "mm/sparse.c", 912, ["__add_pages", "add_pages", "arch_add_memory", "add_memory_resource"], pid=45, comm="kworker/u4:2"))
guest_steps(L, [], done=True)
fixture("multi_two_warnings", L, """
outcome: warning
title: WARNING in add_memory_resource
frame: add_memory_resource
reports: 2
""")

# interleaved: other CPU's messages inside the trace, and userspace output glued before a header
L = Log(132)
std_boot(L)
L.marker("STEP 1 hotplug-add")
body = null_deref_step(L.r, "zone_spanned_pages_in_node", ["free_area_init_core_hotplug", "hotadd_init_pgdat",
                       "__try_online_node", "add_memory_resource", "__add_memory", "acpi_memory_device_add"])
L.lines.append("probe: onlining memory40 ... [  " + f"{L.t+0.001:.6f}" + "] " + body[0])
i = body.index(" <TASK>")
L.k(body[1:i+2])
L.k(["random: crng init done", "memory memory41: Offline"], tag="C1")
L.k(body[i+2:])
guest_steps(L, [], done=True)
fixture("interleaved_glued_header", L, """
outcome: oops
title: BUG: kernel NULL pointer dereference in zone_spanned_pages_in_node
frame: zone_spanned_pages_in_node
reports: 1
corrupted: no
""")

# CRLF, ANSI escapes, NULs
L = Log(133)
std_boot(L)
L.lines.append("\x1b[0m\x1b[32m@@TOPOFARM STEP 1 hotplug-add\x1b[0m")
L.k(null_deref_step(L.r, "register_one_node", ["__try_online_node", "try_online_node", "add_memory_resource"]))
L.lines[-5] = L.lines[-5] + "\x00\x00"
L.lines.insert(-3, "\x1b[2K\x1b[1G")
guest_steps(L, [], done=True)
fixture("crlf_ansi_nul", L, """
outcome: oops
title: BUG: kernel NULL pointer dereference in register_one_node
frame: register_one_node
reports: 1
corrupted: no
phase: step 1 hotplug-add
""", crlf=True)

# no timestamps (printk.time=0)
L = Log(134, ts=False)
std_boot(L)
L.marker("STEP 1 numa-check")
L.k(kasan(L.r, "slab-out-of-bounds", "Read", "node_distance_show", ["dev_attr_show", "sysfs_kf_seq_show"]))
guest_steps(L, [], done=True)
fixture("no_timestamps_kasan", L, """
outcome: oops
title: KASAN: slab-out-of-bounds Read in node_distance_show
frame: node_distance_show
reports: 1
""")

# printk caller ids
L = Log(135, caller=True)
std_boot(L)
L.marker("STEP 1 hotplug-add")
L.k(warning(L.r, "memmap_init_range", "mm/page_alloc.c", 6874, ["memmap_init_zone", "move_pfn_range_to_zone", "online_pages"], pid=301, comm="probe"), tag="T301")
guest_steps(L, [], done=True)
fixture("printk_caller_ids", L, """
outcome: warning
title: WARNING in memmap_init_range
frame: memmap_init_range
reports: 1
""")

# hostile junk around a clean run
r = random.Random(136)
L = Log(136)
std_boot(L)
junk = bytes(r.randrange(256) for _ in range(3000)).replace(b"@", b"A")
data = L.text().encode() + junk + b"\n" + b"\x00" * 500 + b"\n" + b"A" * 9000 + b"\n" + b"@@TOPOFARM STEP 1 x\n@@TOPOFARM DONE\n"
fixture("junk_bytes_clean_run", None, """
outcome: pass
reports: 0
""", data=data)

# a known-benign panic: a benign WARNING followed by an unrelated panic
L = Log(137)
L.k(boot(L.r)); L.k(topo_sane(L.r)); L.k(boot_tail()[:-8], dt=0.01)
L.k(["Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
     "---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---"])
fixture("benign_warning_then_panic", L, """
outcome: panic
title: Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(N,N)
reports: 2
benign: 1
corrupted: no
""")

# a generic BUG: workqueue lockup (no call trace)
L = Log(138)
std_boot(L)
L.marker("STEP 1 offline")
L.jump(40)
L.k(["BUG: workqueue lockup - pool cpus=1 node=1 flags=0x0 nice=0 stuck for 33s!",
     "Showing busy workqueues and worker pools:",
     "workqueue events: flags=0x0",
     "  pwq 2: cpus=1 node=1 flags=0x0 nice=0 active=2/256 refcnt=3",
     "    pending: vmstat_shepherd, drain_local_pages_wq BAR(241)"])
fixture("bug_workqueue_lockup", L, """
end: timeout
outcome: oops
title: BUG: workqueue lockup
reports: 1
""")

# seed 003 scenario on 6.1 with VM_BUG_ON_FOLIO-style dump
L = Log(139)
std_boot(L)
L.marker("STEP 1 lsmem")
L.k(["page:ffffea00c0000000 refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x3000000",
     "flags: 0xfffffffffffffffe(node=1|zone=3|lastcpupid=0x1fffff)",
     "raw: fffffffffffffffe ffffffffffffffff ffffffffffffffff ffffffffffffffff",
     "page dumped because: VM_BUG_ON_PAGE(PagePoisoned(p))",
     "------------[ cut here ]------------",
     "kernel BUG at include/linux/mm.h:1378!",
     "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
     cpu61(1, 212, "lsmem"), HW] + regs(L.r, fr("test_pages_in_a_zone")))
L.k(trace(L.r, [fr("valid_zones_show"), fr("dev_attr_show"), fr("sysfs_kf_seq_show"), fr("seq_read_iter"), fr("vfs_read")]))
L.k(["Modules linked in:", "---[ end trace 0000000000000000 ]---"])
guest_steps(L, [], done=True)
fixture("vm_bug_on_page_test_pages_in_a_zone_61", L, """
outcome: oops
title: kernel BUG in test_pages_in_a_zone
frame: test_pages_in_a_zone
reports: 1
corrupted: no
""")

print(len(FIX), "fixtures")
