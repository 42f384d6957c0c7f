package dev.bastion.gateway.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw HTTP/1.x client for edge tests: writes exactly the bytes given, and reads everything the server sends until
 * it closes the connection or a deadline passes. A client library would normalise the very framing these tests probe.
 */
final class RawHttp {
    /** What came back: the bytes read, whether the server closed the connection, and how long that took. */
    record Answer(String text, boolean closed, Duration elapsed) {
        /**
         * How many complete HTTP responses the server wrote, read one after the other by their Content-Length (a
         * response after a body follows it without a line break, so searching for status lines would miss it).
         * Counting stops at a response without Content-Length, or at bytes that do not start a response.
         */
        int responses() {
            int count = 0;
            int at = 0;
            while (text.startsWith("HTTP/1.", at)) {
                int headersEnd = text.indexOf("\r\n\r\n", at);
                if (headersEnd < 0) {
                    break;
                }
                count++;
                long length = contentLength(text.substring(at, headersEnd));
                if (length < 0) {
                    break;
                }
                at = headersEnd + 4 + (int) length;
            }
            return count;
        }

        private static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).strip());
                }
            }
            return -1;
        }

        /** The status code of the first response, or -1 when none came. */
        int status() {
            if (!text.startsWith("HTTP/1.")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }
    }

    private RawHttp() {
    }

    /** Sends {@code request} and reads until the server closes or {@code wait} has passed. */
    static Answer exchange(int port, String request, Duration wait) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readUntilClosed(socket, wait);
        }
    }

    /** Reads from {@code socket} until end of stream (closed) or until {@code wait} has passed (not closed). */
    static Answer readUntilClosed(Socket socket, Duration wait) throws IOException {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        boolean closed = false;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    closed = true;
                    break;
                }
                got.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                break;
            } catch (java.net.SocketException e) {
                closed = true; // reset by the server counts as closed
                break;
            }
        }
        return new Answer(got.toString(StandardCharsets.ISO_8859_1), closed, Duration.ofNanos(System.nanoTime() - start));
    }
}
