package dev.bastion.models.scan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a pickle opcode by opcode, without executing anything, and fails closed: every global it imports must be on
 * a fixed allow list of names PyTorch and NumPy checkpoints need, and anything it cannot account for (an unknown
 * opcode, a global whose name is computed rather than literal, the extension registry, a truncated stream) is
 * refused. A deny list (as ModelScan uses) misses whatever it did not think of: {@code importlib}, {@code
 * operator.methodcaller}, {@code functools.partial}, {@code atexit}, {@code ctypes}, {@code builtins.getattr} are all
 * simply "not allowed" here.
 *
 * <p>The interpreter tracks a stack of abstract values (a string literal, a global reference, or "something"), the
 * memo and marks, enough to know the module and name of every {@code STACK_GLOBAL}. Bounded: at most 10,000,000
 * opcodes and a stack of 1,000,000 entries.
 */
final class PickleScanner {

    /** Globals a weights-only load may import. */
    static final Set<String> ALLOWED = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
            "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor",
            "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
            "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage",
            "torch.BoolStorage", "torch.storage.UntypedStorage", "torch.storage.TypedStorage",
            "torch.float32", "torch.float16", "torch.bfloat16", "torch.int64", "torch.int32", "torch.uint8",
            "torch.bool", "torch.Size", "torch.device",
            "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray",
            "numpy.dtype", "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
            "_codecs.encode", "builtins.set", "builtins.frozenset", "builtins.slice", "builtins.complex");

    private static final long MAX_OPS = 10_000_000L;
    private static final int MAX_STACK = 1_000_000;

    private record Str(String value) {
    }

    private record Global(String name) {
    }

    private static final Object ANY = new Object();
    private static final Object MARK = new Object();

    private PickleScanner() {
    }

    /** Scans one pickle stream; findings name {@code file}. */
    static List<ScanFinding> scan(byte[] data, String file) {
        List<ScanFinding> findings = new ArrayList<>();
        try {
            run(new Reader(data), file, findings);
        } catch (FormatException e) {
            findings.add(new ScanFinding(ScanFinding.Severity.MALFORMED, file, "pickle", e.getMessage()));
        }
        return findings;
    }

    private static void run(Reader in, String file, List<ScanFinding> findings) {
        Deque<Object> stack = new ArrayDeque<>();
        Map<Long, Object> memo = new HashMap<>();
        long ops = 0;
        while (true) {
            if (++ops > MAX_OPS) {
                throw new FormatException("more than " + MAX_OPS + " opcodes");
            }
            if (stack.size() > MAX_STACK) {
                throw new FormatException("stack deeper than " + MAX_STACK);
            }
            int op = in.u8();
            switch (op) {
                case 0x80 -> in.u8(); // PROTO
                case 0x95 -> in.skip(8); // FRAME
                case '.' -> { // STOP
                    return;
                }
                case '(' -> stack.push(MARK);
                case '0' -> pop(stack); // POP
                case '2' -> stack.push(peek(stack)); // DUP
                case '1' -> popMark(stack); // POP_MARK
                case 'N', 0x88, 0x89 -> stack.push(ANY); // NONE, NEWTRUE, NEWFALSE
                case 'I', 'L', 'F' -> { // INT, LONG, FLOAT (text line)
                    in.line();
                    stack.push(ANY);
                }
                case 'J' -> { in.skip(4); stack.push(ANY); } // BININT
                case 'K' -> { in.skip(1); stack.push(ANY); } // BININT1
                case 'M' -> { in.skip(2); stack.push(ANY); } // BININT2
                case 'G' -> { in.skip(8); stack.push(ANY); } // BINFLOAT
                case 0x8a -> { in.skip(in.u8()); stack.push(ANY); } // LONG1
                case 0x8b -> { in.skip(in.u32()); stack.push(ANY); } // LONG4
                case 'S' -> stack.push(new Str(unquote(in.line()))); // STRING
                case 'V' -> stack.push(new Str(in.line())); // UNICODE (raw-unicode-escape; literal enough)
                case 'T' -> stack.push(new Str(in.string(in.u32()))); // BINSTRING
                case 'U' -> stack.push(new Str(in.string(in.u8()))); // SHORT_BINSTRING
                case 'X' -> stack.push(new Str(in.string(in.u32()))); // BINUNICODE
                case 0x8c -> stack.push(new Str(in.string(in.u8()))); // SHORT_BINUNICODE
                case 0x8d -> stack.push(new Str(in.string(in.u64()))); // BINUNICODE8
                case 'B' -> { in.skip(in.u32()); stack.push(ANY); } // BINBYTES
                case 'C' -> { in.skip(in.u8()); stack.push(ANY); } // SHORT_BINBYTES
                case 0x8e -> { in.skip(in.u64()); stack.push(ANY); } // BINBYTES8
                case 0x96 -> { in.skip(in.u64()); stack.push(ANY); } // BYTEARRAY8
                case 0x97 -> stack.push(ANY); // NEXT_BUFFER
                case 0x98 -> { } // READONLY_BUFFER
                case ']', '}', ')', 0x8f -> stack.push(ANY); // EMPTY_LIST, EMPTY_DICT, EMPTY_TUPLE, EMPTY_SET
                case 'l', 't', 'd', 0x91 -> { popMark(stack); stack.push(ANY); } // LIST, TUPLE, DICT, FROZENSET
                case 0x85 -> { pop(stack); stack.push(ANY); } // TUPLE1
                case 0x86 -> { pop(stack); pop(stack); stack.push(ANY); } // TUPLE2
                case 0x87 -> { pop(stack); pop(stack); pop(stack); stack.push(ANY); } // TUPLE3
                case 'a' -> pop(stack); // APPEND
                case 'e', 'u', 0x90 -> popMark(stack); // APPENDS, SETITEMS, ADDITEMS
                case 's' -> { pop(stack); pop(stack); } // SETITEM
                case 'p' -> memo.put(Long.parseLong(in.line().strip()), peek(stack)); // PUT
                case 'q' -> memo.put((long) in.u8(), peek(stack)); // BINPUT
                case 'r' -> memo.put(in.u32(), peek(stack)); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek(stack)); // MEMOIZE
                case 'g' -> stack.push(memoGet(memo, Long.parseLong(in.line().strip()))); // GET
                case 'h' -> stack.push(memoGet(memo, in.u8())); // BINGET
                case 'j' -> stack.push(memoGet(memo, in.u32())); // LONG_BINGET
                case 'c' -> { // GLOBAL module\nname\n
                    String module = in.line();
                    String name = in.line();
                    stack.push(global(module + "." + name, file, findings));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(stack);
                    Object module = pop(stack);
                    if (module instanceof Str m && name instanceof Str n) {
                        stack.push(global(m.value() + "." + n.value(), file, findings));
                    } else {
                        findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, file, "computed-global",
                                "STACK_GLOBAL with a module or name that is not a literal string"));
                        stack.push(ANY);
                    }
                }
                case 'i' -> { // INST module\nname\n: import and call
                    String module = in.line();
                    String name = in.line();
                    global(module + "." + name, file, findings);
                    popMark(stack);
                    stack.push(ANY);
                }
                case 'o' -> { // OBJ: call the class below the mark's arguments
                    List<Object> items = popMark(stack);
                    requireCallable(items.isEmpty() ? ANY : items.getFirst(), file, findings);
                    stack.push(ANY);
                }
                case 'R' -> { // REDUCE: callable(args)
                    pop(stack);
                    requireCallable(pop(stack), file, findings);
                    stack.push(ANY);
                }
                case 0x81 -> { // NEWOBJ
                    pop(stack);
                    requireCallable(pop(stack), file, findings);
                    stack.push(ANY);
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop(stack);
                    pop(stack);
                    requireCallable(pop(stack), file, findings);
                    stack.push(ANY);
                }
                case 'b' -> { // BUILD: sets state on the object below; on a bare global that would patch a class
                    pop(stack);
                    if (peek(stack) instanceof Global g) {
                        findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, file, "build-on-global",
                                "BUILD sets attributes on " + printable(g.name()) + " itself"));
                    }
                }
                case 'P' -> { in.line(); stack.push(ANY); } // PERSID
                case 'Q' -> { pop(stack); stack.push(ANY); } // BINPERSID (torch storages; their type is a vetted GLOBAL)
                case 0x82, 0x83, 0x84 -> { // EXT1, EXT2, EXT4
                    findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, file, "extension-registry",
                            "EXT opcode imports through copyreg's extension registry"));
                    in.skip(op == 0x82 ? 1 : op == 0x83 ? 2 : 4);
                    stack.push(ANY);
                }
                default -> throw new FormatException(String.format("unknown opcode 0x%02x at byte %d", op,
                        in.position() - 1));
            }
        }
    }

    private static Object global(String qualified, String file, List<ScanFinding> findings) {
        if (!ALLOWED.contains(qualified)) {
            findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, file, "global",
                    "imports " + printable(qualified) + ", which is not on the allow list (loading would run it)"));
        }
        return new Global(qualified);
    }

    private static void requireCallable(Object callee, String file, List<ScanFinding> findings) {
        if (!(callee instanceof Global)) {
            findings.add(new ScanFinding(ScanFinding.Severity.UNSAFE, file, "indirect-call",
                    "calls an object that is not a vetted global (for example a result of getattr)"));
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return b.toString();
    }

    private static Object memoGet(Map<Long, Object> memo, long key) {
        Object v = memo.get(key);
        if (v == null) {
            throw new FormatException("memo key " + key + " read before it was written");
        }
        return v;
    }

    private static Object pop(Deque<Object> stack) {
        if (stack.isEmpty()) {
            throw new FormatException("stack underflow");
        }
        return stack.pop();
    }

    private static Object peek(Deque<Object> stack) {
        if (stack.isEmpty()) {
            throw new FormatException("stack underflow");
        }
        return stack.peek();
    }

    private static List<Object> popMark(Deque<Object> stack) {
        List<Object> items = new ArrayList<>();
        while (true) {
            Object o = pop(stack);
            if (o == MARK) {
                java.util.Collections.reverse(items);
                return items;
            }
            items.add(o);
        }
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0)) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    /** Bounded reads from the pickle bytes; running off the end is malformed. */
    private static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        int position() {
            return pos;
        }

        int u8() {
            need(1);
            return data[pos++] & 0xff;
        }

        long u32() {
            need(4);
            long v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8 | (data[pos + 2] & 0xffL) << 16
                    | (data[pos + 3] & 0xffL) << 24;
            pos += 4;
            return v;
        }

        long u64() {
            long lo = u32();
            long hi = u32();
            if (hi != 0 || lo < 0) {
                throw new FormatException("length beyond 4 GiB at byte " + (pos - 8));
            }
            return lo;
        }

        void skip(long n) {
            need(n);
            pos += (int) n;
        }

        String string(long n) {
            need(n);
            String s = new String(data, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        String line() {
            int start = pos;
            while (pos < data.length && data[pos] != '\n') {
                pos++;
            }
            if (pos >= data.length) {
                throw new FormatException("unterminated text argument at byte " + start);
            }
            String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
            pos++;
            return s;
        }

        private void need(long n) {
            if (n < 0 || pos + n > data.length) {
                throw new FormatException("truncated: needs " + n + " bytes at byte " + pos + " of " + data.length);
            }
        }
    }
}
