package dev.weir.runtime.state;

import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * The error when restored keyed state does not read with the serializers its state is declared
 * with now: a checkpoint holds no serializer descriptions, so a state whose kind (value, map, list)
 * or type changed would otherwise be read as garbage. A misread shows as a serializer error or as
 * bytes left over at the end of a section; no restart can heal it, so the job fails with the reason.
 */
public final class UnreadableState {

    private UnreadableState() {}

    public static UnrecoverableJobException error(String stateName, String detail, Throwable cause) {
        return new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "keyed state '" + stateName
                + "' in the checkpoint does not read as it is declared now (" + detail + "): its kind (value, map,"
                + " list) or its type changed since the checkpoint was taken. Give the changed state another name"
                + " (the old one's contents are kept aside), or restore with the code that wrote it", cause);
    }

    /** Fails unless a section was read to its end. */
    public static void requireFullyRead(String stateName, int bytesLeft) {
        if (bytesLeft != 0) {
            throw error(stateName, bytesLeft + " bytes left over after its entries", null);
        }
    }

    /** The error for a serializer that failed on restored bytes. */
    public static UnrecoverableJobException misread(String stateName, Exception e) {
        return error(stateName, e.toString(), e);
    }
}
