package dev.bastion.gateway.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An OpenAI-style chat upstream on 127.0.0.1 that answers every {@code POST} with the same short answer, streamed
 * (server-sent events, chunked) when the request body asks for {@code "stream":true}, else as one JSON body. It
 * exists for {@link WarmUp}: a private gateway's requests go here, in this process, so that warming the stream path
 * needs no network and no model. Keep-alive connections are served one request after another, each on its own
 * virtual thread. Not a general HTTP server: it reads a request line, headers and a {@code Content-Length} body,
 * and answers anything else with 400.
 */
final class CannedUpstream implements AutoCloseable {
    private static final String[] WORDS = {"The ", "report ", "shows ", "steady ", "growth."};
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_BODY = 1024 * 1024;

    private final ServerSocket socket;
    private final Thread acceptor;

    private CannedUpstream(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = Thread.ofVirtual().name("bastion-warm-up-upstream").start(this::accept);
    }

    /** Listens on a free port of the loopback interface. */
    static CannedUpstream start() {
        try {
            return new CannedUpstream(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the warm-up upstream on 127.0.0.1", e);
        }
    }

    /** The base URL a model's {@code base-url} names. */
    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread.ofVirtual().name("bastion-warm-up-upstream-connection").start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            connection.setTcpNoDelay(true);
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return; // the client closed the connection between requests
                }
                int length = contentLength(head);
                if (length < 0 || length > MAX_BODY) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                if (body.replace(" ", "").contains("\"stream\":true")) {
                    stream(out);
                } else {
                    whole(out);
                }
                out.flush();
            }
        } catch (IOException gone) {
            // the private gateway closed the connection; nothing to clean up
        }
    }

    /** The request line and headers, up to the blank line; null at the end of the stream before any byte. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = 0; // the last four bytes read, oldest in the high byte
        while (last != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the request head ended early");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head too large");
            }
            last = last << 8 | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The {@code Content-Length} header's value, 0 without one, -1 if it is not a number. */
    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Integer.parseInt(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 0;
    }

    private static void stream(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        event(out, chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (String word : WORDS) {
            event(out, chunk("{\"content\":\"" + word + "\"}", "null"));
        }
        event(out, chunk("{}", "\"stop\""));
        event(out, "{\"id\":\"warm-up\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + WORDS.length + ",\"total_tokens\":"
                + (3 + WORDS.length) + "}}");
        event(out, "[DONE]");
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String chunk(String delta, String finish) {
        return "{\"id\":\"warm-up\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[{"
                + "\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
    }

    private static void event(OutputStream out, String data) throws IOException {
        byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(event);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void whole(OutputStream out) throws IOException {
        byte[] body = ("{\"id\":\"warm-up\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + String.join("", WORDS) + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + WORDS.length
                + ",\"total_tokens\":" + (3 + WORDS.length) + "}}").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a listening socket fails only if it is closed already
        }
        acceptor.interrupt();
    }
}
