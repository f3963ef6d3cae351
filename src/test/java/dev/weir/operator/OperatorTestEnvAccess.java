package dev.weir.operator;

import dev.weir.api.StreamJob;

/** Lets tests in other packages build the same sample StreamJob. */
public final class OperatorTestEnvAccess {

    private OperatorTestEnvAccess() {
    }

    public static StreamJob job(String name, int parallelism) {
        return OperatorTestEnv.job(name, parallelism);
    }
}
