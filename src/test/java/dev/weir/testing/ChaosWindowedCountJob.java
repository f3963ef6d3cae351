package dev.weir.testing;

import dev.weir.examples.Outputs;
import dev.weir.examples.WindowedCountJob;
import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.JobDefinition;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.state.serialization.Types;

/**
 * windowed-count (the example job's own pipeline) with the failure points of
 * {@link ChaosKeyedCountJob}: an armed {@link Chaos} failure on a record before the keyBy, and a
 * crash between "checkpoint complete" and the sink's commit (in-process) or a halted worker process
 * in a given subtask and attempt.
 */
public final class ChaosWindowedCountJob implements JobDefinition {

    @Override
    public void define(StreamEnvironment env, JobArgs args) {
        WindowedCountJob.Settings settings = WindowedCountJob.Settings.from(args);
        WindowedCountJob.counts(WindowedCountJob.numbers(env, settings)
                                .map(i -> {
                                    Chaos.maybeFail(Chaos.Point.RECORD);
                                    return i;
                                })
                                .returns(Types.LONG),
                        settings)
                .sinkTo(new ChaosKeyedCountJob.CrashBeforeCommitSink<>(Outputs.sinkFor(args.require("output")),
                        (int) args.getLong("haltBeforeCommitWorker", -1), args.getLong("haltBeforeCommitAttempt", -1)))
                .uid("sink");
    }
}
