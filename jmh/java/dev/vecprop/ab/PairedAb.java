package dev.vecprop.ab;

import dev.vecprop.cli.DataRoot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A/B timing of two builds of vecprop in ONE JVM: each build (its classes plus {@link AbWorkloads}
 * compiled against them) gets its own class loader, and the two run the same workload alternately,
 * call by call (order flipped every pair). On a shared, noisy machine the speed of the moment swings
 * by 2x within seconds, but it swings for both halves of a pair alike: the median of the per-pair
 * time ratios resolves differences of a few percent that separate runs cannot. Times are the
 * caller's CPU time ({@code ThreadMXBean}); workloads run on one thread.
 *
 * <p>Usage (normally through {@code ./vecprop ab REV}): {@code PairedAb CLASSPATH_A CLASSPATH_B
 * SECONDS WORKLOAD...}.
 */
public final class PairedAb {
    private PairedAb() {}

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: PairedAb CLASSPATH_A CLASSPATH_B SECONDS WORKLOAD...");
            System.exit(2);
        }
        ClassLoader a = loader(args[0]);
        ClassLoader b = loader(args[1]);
        double seconds = Double.parseDouble(args[2]);
        for (int w = 3; w < args.length; w++) {
            if (args[w].contains("@")) {
                System.err.println("PairedAb: " + args[w] + ": one thread only (an idle pool of one build spins"
                        + " and would take the core of the other's turn)");
                System.exit(2);
            }
        }
        System.out.printf("%-14s %10s %10s %8s %8s %8s %7s%n", "workload", "A median", "B median", "B/A", "q1", "q3",
                "pairs");
        for (int w = 3; w < args.length; w++) {
            String name = args[w];
            // Several instances per build, each pair of them on shared operand arrays: a training
            // step's own buffers land at a different alignment in every instance, so cycling
            // through four averages that out instead of freezing one draw into the ratio.
            int instances = 4;
            Runnable[] ras = new Runnable[instances];
            Runnable[] rbs = new Runnable[instances];
            for (int k = 0; k < instances; k++) {
                float[][] ops = AbWorkloads.operands(name, k + 1, DataRoot.fromLauncher());
                ras[k] = create(a, name, ops);
                rbs[k] = create(b, name, ops);
            }
            List<Double> ratios = new ArrayList<>();
            List<Long> ta = new ArrayList<>();
            List<Long> tb = new ArrayList<>();
            long warmEnd = System.nanoTime() + (long) (Math.min(4, seconds / 2) * 1e9);
            long end = warmEnd + (long) (seconds * 1e9);
            long pair = 0;
            while (System.nanoTime() < end) {
                boolean aFirst = (pair & 1) == 0;
                Runnable ra = ras[(int) (pair / 2 % instances)];
                Runnable rb = rbs[(int) (pair / 2 % instances)];
                pair++;
                long x = time(aFirst ? ra : rb);
                long y = time(aFirst ? rb : ra);
                long dA = aFirst ? x : y;
                long dB = aFirst ? y : x;
                if (System.nanoTime() > warmEnd) {
                    ratios.add(dB / (double) dA);
                    ta.add(dA);
                    tb.add(dB);
                }
            }
            Collections.sort(ratios);
            Collections.sort(ta);
            Collections.sort(tb);
            int n = ratios.size();
            long flops = AbWorkloads.flops(name);
            System.out.printf("%-14s %10s %10s %8.3f %8.3f %8.3f %7d%n", name, fmt(ta.get(n / 2), flops),
                    fmt(tb.get(n / 2), flops), ratios.get(n / 2), ratios.get(n / 4), ratios.get(3 * n / 4), n);
        }
    }

    private static String fmt(long nanos, long flops) {
        return flops > 0 ? String.format("%.1fGF/s", flops / (double) nanos) : String.format("%.0fus", nanos / 1e3);
    }

    private static long time(Runnable r) {
        long t0 = MX.getCurrentThreadCpuTime();
        r.run();
        return MX.getCurrentThreadCpuTime() - t0;
    }

    private static ClassLoader loader(String classpath) throws Exception {
        String[] parts = classpath.split(java.io.File.pathSeparator);
        URL[] urls = new URL[parts.length];
        for (int i = 0; i < parts.length; i++) {
            urls[i] = Path.of(parts[i]).toUri().toURL();
        }
        return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    }

    private static Runnable create(ClassLoader cl, String name, float[][] ops) throws Exception {
        Method m = cl.loadClass(AbWorkloads.class.getName()).getMethod("create", String.class, float[][].class);
        try {
            return (Runnable) m.invoke(null, name, ops);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) {
                System.err.println("PairedAb: workload '" + name + "': " + cause.getMessage());
                System.exit(2);
            }
            throw e;
        }
    }
}
