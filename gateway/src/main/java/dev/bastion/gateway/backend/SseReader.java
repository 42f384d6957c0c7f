package dev.bastion.gateway.backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads server-sent events (text/event-stream): {@code data:} lines, joined with newlines when an event has
 * several; comment lines ({@code :}) and other fields are ignored; a blank line ends an event. Not thread-safe.
 */
final class SseReader {
    private final BufferedReader in;

    SseReader(BufferedReader in) {
        this.in = in;
    }

    /** The next event's data, or empty at the end of the stream. */
    Optional<String> next() throws IOException {
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return Optional.of(data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
        }
        return data == null ? Optional.empty() : Optional.of(data.toString());
    }
}
