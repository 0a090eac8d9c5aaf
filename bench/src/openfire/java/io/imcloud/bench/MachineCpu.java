package io.imcloud.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where a whole machine's CPU went between two readings, from {@code /proc}: the machine's busy, idle and stolen time
 * ({@code /proc/stat}), the database server's processes (every process named {@code postgres}) and this benchmark's
 * own JVM, which runs the Smack clients. At full speed the server, its database and the clients share the same cores,
 * so a server that spends no more CPU itself can still deliver fewer messages a second: these readings say who took
 * the cores.
 *
 * @param busyMillis      CPU time of the whole machine outside idle, I/O wait and steal
 * @param idleMillis      idle plus I/O wait time of the whole machine
 * @param stealMillis     time the hypervisor gave the machine's virtual cores to others
 * @param databaseMillis  CPU time of the PostgreSQL server's processes
 * @param clientMillis    CPU time of this JVM
 */
record MachineCpu(double busyMillis, double idleMillis, double stealMillis, double databaseMillis, double clientMillis) {

    /** Clock ticks per second of {@code /proc} times: fixed at 100 by Linux's user ABI. */
    private static final double MILLIS_PER_TICK = 10;

    /** The readings now; subtract two with {@link #minus}. */
    static MachineCpu now() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long user = Long.parseLong(cpu[1]);
        long nice = Long.parseLong(cpu[2]);
        long system = Long.parseLong(cpu[3]);
        long idle = Long.parseLong(cpu[4]);
        long iowait = Long.parseLong(cpu[5]);
        long irq = Long.parseLong(cpu[6]);
        long softirq = Long.parseLong(cpu[7]);
        long steal = Long.parseLong(cpu[8]);
        double client = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime() / 1e6;
        return new MachineCpu((user + nice + system + irq + softirq) * MILLIS_PER_TICK, (idle + iowait) * MILLIS_PER_TICK,
                steal * MILLIS_PER_TICK, databaseTicks() * MILLIS_PER_TICK, client);
    }

    MachineCpu minus(MachineCpu earlier) {
        return new MachineCpu(busyMillis - earlier.busyMillis, idleMillis - earlier.idleMillis,
                stealMillis - earlier.stealMillis, databaseMillis - earlier.databaseMillis, clientMillis - earlier.clientMillis);
    }

    /** The machine's share of time busy, of all its cores' time (busy, idle and stolen). */
    double busyShare() {
        double all = busyMillis + idleMillis + stealMillis;
        return all == 0 ? 0 : busyMillis / all;
    }

    double stealShare() {
        double all = busyMillis + idleMillis + stealMillis;
        return all == 0 ? 0 : stealMillis / all;
    }

    /** User and system ticks of every live process named {@code postgres}; one that ends between readings is lost. */
    private static long databaseTicks() throws IOException {
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.equals("postgres")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException ended) {
                    // the process ended meanwhile
                }
            }
        }
        return ticks;
    }
}
