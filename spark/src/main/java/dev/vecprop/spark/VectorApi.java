package dev.vecprop.spark;

import org.apache.spark.SparkConf;

/**
 * The JVM flag vecprop's Vector API kernels need on Spark's executors. Spark's executors are
 * separate JVMs whose flags come from {@code spark.executor.extraJavaOptions}; without
 * {@code --add-modules=jdk.incubator.vector} there they train with the scalar kernels (several times
 * slower) and log that once.
 */
public final class VectorApi {
    private VectorApi() {}

    /** The flag, in the one-token form that survives Spark's splitting of extraJavaOptions. */
    public static final String FLAG = "--add-modules=jdk.incubator.vector";

    /**
     * Adds {@link #FLAG} to {@code spark.executor.extraJavaOptions} (and to
     * {@code spark.driver.extraJavaOptions}, which applies when spark-submit starts the driver in
     * cluster mode) unless it is there already.
     *
     * @param conf the configuration, before the Spark context is made
     * @return {@code conf}
     */
    public static SparkConf enable(SparkConf conf) {
        for (String key : new String[]{"spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions"}) {
            String old = conf.get(key, "").trim();
            if (!old.contains("jdk.incubator.vector")) {
                conf.set(key, old.isEmpty() ? FLAG : old + " " + FLAG);
            }
        }
        return conf;
    }
}
