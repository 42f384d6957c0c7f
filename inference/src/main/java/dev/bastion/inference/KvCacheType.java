package dev.bastion.inference;

/**
 * How a sequence's key/value cache stores its numbers: {@code F32}, {@code F16} (half the memory of F32) or
 * {@code Q8_0} (int8 in blocks of 32 with one float scale each: 0.28 of it), named as llama.cpp names its cache
 * types.
 */
public enum KvCacheType {
    F32, F16, Q8_0;

    /**
     * The type named {@code f32}, {@code f16} or {@code q8_0}, in any case.
     *
     * @throws IllegalArgumentException for any other name, listing the three
     */
    public static KvCacheType parse(String name) {
        for (KvCacheType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown key/value cache type '" + name + "'; use f32, f16 or q8_0");
    }
}
