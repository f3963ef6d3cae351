package dev.weir.runtime.dataflow;

public enum InputStatus {
    MORE_AVAILABLE,
    /** Nothing to read right now; the task may idle briefly before polling again. */
    NOTHING_AVAILABLE,
    END_OF_INPUT
}
