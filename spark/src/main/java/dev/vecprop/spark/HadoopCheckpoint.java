package dev.vecprop.spark;

import dev.vecprop.io.CheckpointException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checkpoints on any Hadoop file system Spark can write (a local path, {@code file:}, {@code hdfs:},
 * {@code s3a:} ...): the core writes and reads local files, so the driver stages through a local
 * temporary file. Writing uploads to {@code <target>.tmp} and renames it over the target, so a
 * crash leaves the previous checkpoint or none, never half a file.
 */
final class HadoopCheckpoint {
    private HadoopCheckpoint() {}

    /** Uploads {@code local} to {@code target}. */
    static void upload(Path local, String target, Configuration conf) {
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(target);
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target + ".tmp");
        try {
            FileSystem fs = dst.getFileSystem(conf);
            if (dst.getParent() != null) {
                fs.mkdirs(dst.getParent());
            }
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
            if (fs.exists(dst) && !fs.delete(dst, false)) {
                throw new IOException("cannot replace " + dst);
            }
            if (!fs.rename(tmp, dst)) {
                throw new IOException("cannot rename " + tmp + " to " + dst);
            }
        } catch (IOException e) {
            throw new CheckpointException(Path.of(target), "cannot write the checkpoint to " + target + ": " + e.getMessage());
        }
    }

    /** Downloads {@code source} to a new local temporary file and returns it. */
    static Path download(String source, Configuration conf) {
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(source);
        try {
            FileSystem fs = src.getFileSystem(conf);
            if (!fs.exists(src)) {
                throw new CheckpointException(Path.of(source), "no checkpoint at " + source);
            }
            Path local = Files.createTempFile("vecprop-spark-resume", ".safetensors");
            Files.delete(local);
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(local.toUri()), true);
            return local;
        } catch (IOException e) {
            throw new CheckpointException(Path.of(source), "cannot read the checkpoint " + source + ": " + e.getMessage());
        }
    }
}
