package dev.weir.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where a running {@code weir local} job's REST API is, for the {@code weir} commands on this
 * machine: {@code <state-dir>/rest/<job>.json} with the URL and the token its actions need. Only
 * the user may read it (the token is a credential); it is deleted when the job ends.
 */
public record RestEndpointFile(String job, URI url, String token) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path directory(Path stateDir) {
        return stateDir.resolve("rest");
    }

    /** Writes this endpoint under {@code stateDir}; returns the file to delete at the end. */
    Path write(Path stateDir) throws IOException {
        Path dir = Files.createDirectories(directory(stateDir));
        Path file = dir.resolve(job + ".json");
        Path partial = dir.resolve(job + ".json.partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        JSON.writeValue(partial.toFile(), this);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** The endpoints of the jobs running with {@code stateDir}, by job name. */
    public static List<RestEndpointFile> read(Path stateDir) throws IOException {
        Path dir = directory(stateDir);
        List<RestEndpointFile> endpoints = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return endpoints;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                endpoints.add(JSON.readValue(file.toFile(), RestEndpointFile.class));
            }
        }
        return endpoints;
    }

    /** Leaves out the token. */
    @Override
    public String toString() {
        return "RestEndpointFile[job=" + job + ", url=" + url + "]";
    }
}
