/**
 * The test kit for jobs: run your keyed functions ({@link dev.weir.testkit.KeyedFunctionHarness})
 * and sinks ({@link dev.weir.testkit.SinkTestHarness}) the way the engine runs them, with
 * checkpoints, restores at other parallelisms and lost notifications, in a plain unit test. It
 * comes with the {@code dev.weir:weir} dependency a job is compiled against; Weir's own tests use
 * it too. (Weir's internal test fixtures live in {@code dev.weir.testing}, in its test sources.)
 */
package dev.weir.testkit;
