package dev.weir.runtime.exec.operators;

/**
 * Reads one side output of the operator it is chained to: that operator's output hands it the
 * records emitted to the side output (and every watermark), and it passes them on.
 */
public final class SideOutputOperator extends StreamOperator {

    @Override
    public void collect(Object record) {
        output.collect(record);
    }
}
