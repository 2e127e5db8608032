package dev.vecprop.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.Iterator;
import java.util.List;

/**
 * One partition's work in one round: a pure function of the round's broadcast state and the
 * partition's samples, so a retried task returns exactly what the failed attempt would have.
 */
final class RoundTask implements Function2<Integer, Iterator<Shard>, Iterator<PartResult>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Setup> setup;
    private final Broadcast<RoundState> round;

    RoundTask(Broadcast<Setup> setup, Broadcast<RoundState> round) {
        this.setup = setup;
        this.round = round;
    }

    @Override
    public Iterator<PartResult> call(Integer partition, Iterator<Shard> shards) {
        Shard shard = shards.next();
        Setup s = setup.value();
        RoundState r = round.value();
        String executor = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId();
        Worker w = Worker.checkout(s, shard);
        PartResult res = s.mode == Mode.SYNC ? w.syncShare(s, r, executor) : w.localSteps(s, r, executor);
        TaskContext tc = TaskContext.get();
        if (r.round == s.failRound && partition == s.failPartition && tc != null && tc.attemptNumber() == 0) {
            w.close(); // the failed attempt's worker is dropped
            throw new InjectedFault("injected fault: round " + r.round + ", partition " + partition + ", attempt 0");
        }
        Worker.checkin(s, w);
        return List.of(res).iterator();
    }

    /** The test hook's failure (see {@code SparkTrainer.Builder.failOnce}). */
    static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String msg) {
            super(msg);
        }
    }
}
