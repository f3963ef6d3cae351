package dev.weir.coordinator;

/**
 * Two workers claim the same index of one attempt at different addresses (HTTP 409). Usually an old
 * pod that outlived its replacement; the registry keeps the first claim so peers never see two.
 */
public class RegistrationConflictException extends RuntimeException {

    public RegistrationConflictException(String message) {
        super(message);
    }
}
