package dev.larder.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The server-side write of one row under {@link dev.larder.spi.support.NewestWins}: runs
 * atomically on the server that owns the key, so concurrent writers can never replace a newer
 * row with an older one, nor leave a mix of two rows.
 *
 * <p>KEYS[1] is the entity key's hash. ARGV:
 * <ol>
 * <li>the view's {@code _ts:<view>} field; 2: the event time as Feast's
 * {@code google.protobuf.Timestamp} bytes; 3, 4: the same time as seconds and nanos;</li>
 * <li value="5">the view's {@code _created_ts:<view>} field; 6: its new value
 * ({@link RedisLayout#createdValue}), empty when the row has no created time; 7, 8: the created
 * time as seconds and nanos (empty when none);</li>
 * <li value="9">the key's ttl in seconds (0: none); 10: k, the number of the view's feature fields
 * the row does not carry; 11 … 10+k: those fields (a partial row replaces the stored row whole);</li>
 * <li>then field/value pairs.</li>
 * </ol>
 *
 * <p>The stored {@code _ts} is decoded in Lua (two varint fields; negative seconds, which older
 * writers may have stored, are 10-byte two's complement varints decoded from the complement so
 * the arithmetic stays exact in Lua's doubles). The row is written when its event time is later,
 * or equal with a later created time; a stored created time counts only while it belongs to the
 * stored {@code _ts} (a writer that knows nothing of it, such as Feast, may have replaced the
 * event time since). Feast's bytes are kept exactly: {@code _ts} is stored as given. Returns 1
 * when written, 0 when the stored row stays.
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
            "local function timestamp(b, what)",
            "  local s, n, pos = 0, 0, 1",
            "  while pos <= #b do",
            "    local tag, v",
            "    tag, pos = varint(b, pos)",
            "    if tag ~= 8 and tag ~= 16 then error('stored ' .. what .. ' is not a protobuf Timestamp') end",
            "    v, pos = varint(b, pos)",
            "    if not v then error('stored ' .. what .. ' is a truncated protobuf Timestamp') end",
            "    if tag == 8 then s = v else n = v end",
            "  end",
            "  return s, n",
            "end",
            "local function older(s1, n1, s2, n2) return s1 < s2 or (s1 == s2 and n1 < n2) end",
            "local cur = redis.call('HGET', KEYS[1], ARGV[1])",
            "if cur then",
            "  local s, n = timestamp(cur, ARGV[1])",
            "  local es, en = tonumber(ARGV[3]), tonumber(ARGV[4])",
            "  if older(es, en, s, n) then return 0 end",
            "  if es == s and en == n then",
            "    if ARGV[6] == '' then return 0 end",
            "    local stored = redis.call('HGET', KEYS[1], ARGV[5])",
            "    local len = stored and string.byte(stored, 1)",
            "    if len and string.sub(stored, 2, 1 + len) == cur then",
            "      local cs, cn = timestamp(string.sub(stored, 2 + len), ARGV[5])",
            "      if not older(cs, cn, tonumber(ARGV[7]), tonumber(ARGV[8])) then return 0 end",
            "    end",
            "  end",
            "end",
            "local argc = #ARGV",
            "local first = 11 + tonumber(ARGV[10])",
            "local last = math.min(argc, first + 399)",
            "if last >= first then",
            "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], unpack(ARGV, first, last))",
            "else",
            "  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
            "end",
            "local i = last + 1",
            "while i <= argc do",
            "  last = math.min(argc, i + 399)",
            "  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))",
            "  i = last + 1",
            "end",
            "if ARGV[6] == '' then redis.call('HDEL', KEYS[1], ARGV[5]) else redis.call('HSET', KEYS[1], ARGV[5], ARGV[6]) end",
            "i = 11",
            "while i < first do",
            "  last = math.min(first - 1, i + 399)",
            "  redis.call('HDEL', KEYS[1], unpack(ARGV, i, last))",
            "  i = last + 1",
            "end",
            "local ttl = tonumber(ARGV[9])",
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
