package dev.bastion.gateway.api.dialect;

/**
 * Whether JSON text fed in pieces has ended: its first non-blank character opened an object or array and the
 * matching bracket has come, outside strings. Anything else (a bare value, not JSON) never ends here. It does not
 * validate the JSON: it only finds where a well-formed value would end. Not thread-safe.
 */
final class JsonEnd {
    private int depth;
    private boolean started;
    private boolean complete;
    private boolean inString;
    private boolean escaped;
    private boolean refused;

    void push(String text) {
        for (int i = 0; i < text.length() && !complete && !refused; i++) {
            char c = text.charAt(i);
            if (!started) {
                if (c == '{' || c == '[') {
                    started = true;
                    depth = 1;
                } else if (!Character.isWhitespace(c)) {
                    refused = true;
                }
            } else if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                complete = true;
            }
        }
    }

    boolean complete() {
        return complete;
    }
}
