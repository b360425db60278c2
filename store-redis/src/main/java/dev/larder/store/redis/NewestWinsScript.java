package dev.larder.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The server-side write of one row: runs atomically on the server that owns the key, so
 * concurrent writers can never replace a newer row with an older one.
 *
 * <p>KEYS[1] is the entity key's hash; ARGV[1] the view's {@code _ts:<view>} field, ARGV[2] the
 * new event time as Feast's {@code google.protobuf.Timestamp} bytes, ARGV[3] and ARGV[4] the same
 * time as seconds and nanos, ARGV[5] the key's ttl in seconds (0: none), then field/value pairs.
 * The stored Timestamp is decoded in Lua (two varint fields; negative seconds are 10-byte two's
 * complement varints, decoded from the complement so the arithmetic stays exact in Lua's
 * doubles) and the row is written only when the new time is strictly later, as Feast does.
 * Feast's bytes are kept exactly: the script stores ARGV[2] as given. Returns 1 when written,
 * 0 when the stored row is as new or newer.
 */
final class NewestWinsScript {
    static final String SOURCE = String.join("\n",
            "local function varint(s, pos)",
            "  local groups = {}",
            "  while true do",
            "    local b = string.byte(s, pos)",
            "    if not b or #groups == 10 then return nil, pos end",
            "    pos = pos + 1",
            "    groups[#groups + 1] = b % 128",
            "    if b < 128 then break end",
            "  end",
            "  local v = 0",
            "  if #groups == 10 and groups[10] > 0 then",
            "    for k = 9, 1, -1 do v = v * 128 + (127 - groups[k]) end",
            "    return -(v + 1), pos",
            "  end",
            "  for k = #groups, 1, -1 do v = v * 128 + groups[k] end",
            "  return v, pos",
            "end",
            "local cur = redis.call('HGET', KEYS[1], ARGV[1])",
            "if cur then",
            "  local s, n, pos = 0, 0, 1",
            "  while pos <= #cur do",
            "    local tag, v",
            "    tag, pos = varint(cur, pos)",
            "    if tag ~= 8 and tag ~= 16 then return redis.error_reply('stored ' .. ARGV[1] .. ' is not a protobuf Timestamp') end",
            "    v, pos = varint(cur, pos)",
            "    if not v then return redis.error_reply('stored ' .. ARGV[1] .. ' is a truncated protobuf Timestamp') end",
            "    if tag == 8 then s = v else n = v end",
            "  end",
            "  local ns, nn = tonumber(ARGV[3]), tonumber(ARGV[4])",
            "  if ns < s or (ns == s and nn <= n) then return 0 end",
            "end",
            "local argc = #ARGV",
            "local last = math.min(argc, 405)",
            "if last >= 6 then",
            "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], unpack(ARGV, 6, last))",
            "else",
            "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
            "end",
            "local i = last + 1",
            "while i <= argc do",
            "  last = math.min(argc, i + 399)",
            "  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))",
            "  i = last + 1",
            "end",
            "local ttl = tonumber(ARGV[5])",
            "if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end",
            "return 1",
            "");

    static final byte[] SOURCE_BYTES = SOURCE.getBytes(StandardCharsets.UTF_8);
    static final String SHA1 = sha1(SOURCE_BYTES);

    private NewestWinsScript() {
    }

    private static String sha1(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(data);
            StringBuilder sb = new StringBuilder();
            for (byte b : d) sb.append(String.format("%02x", b));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
