// Natives for TextDecoder's legacy encodings (ICU converters) and for Compression/
// DecompressionStream (zlib). CONTRACT.md lists them; encoding.js and streams.js use them.
#include "natives.h"

#include "isolate.h"
#include "valueconvert.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <zlib.h>

#include <v8-array-buffer.h>
#include <v8-exception.h>
#include <v8-function.h>
#include <v8-isolate.h>
#include <v8-object.h>
#include <v8-primitive.h>

#include <array>
#include <cstring>
#include <mutex>
#include <new>

namespace switchyard::engine {

namespace {
using Info = v8::FunctionCallbackInfo<v8::Value>;

constexpr char decodeFailed[] = "Failed to decode input.";
constexpr char incompleteData[] = "Called close() on a decompression stream with incomplete data";
constexpr char trailingData[] = "Trailing bytes after end of compressed data";

void throwTypeError(v8::Isolate *isolate, const char *message)
{
    isolate->ThrowException(v8::Exception::TypeError(toV8String(isolate, message)));
}

void throwRangeError(v8::Isolate *isolate, const char *message)
{
    isolate->ThrowException(v8::Exception::RangeError(toV8String(isolate, message)));
}

// The bytes of a Uint8Array (any view) or ArrayBuffer without copying them. V8 does not move
// backing stores, and no JavaScript runs while a native holds the pointer.
bool viewBytes(v8::Local<v8::Value> value, const char **data, size_t *length)
{
    if (value->IsArrayBufferView()) {
        auto view = value.As<v8::ArrayBufferView>();
        *length = view->ByteLength();
        *data = *length ? static_cast<const char *>(view->Buffer()->Data()) + view->ByteOffset()
                        : "";
        return true;
    }
    if (value->IsArrayBuffer()) {
        auto buffer = value.As<v8::ArrayBuffer>();
        *length = buffer->ByteLength();
        *data = *length ? static_cast<const char *>(buffer->Data()) : "";
        return true;
    }
    return false;
}

// UTF-16 output gathered in a fixed buffer and turned into V8 strings piece by piece (a rope),
// so decoding a large input never holds a second native copy of it outside the heap's limit.
class StringBuilder
{
public:
    explicit StringBuilder(v8::Isolate *isolate) : m_isolate(isolate) { }
    static constexpr size_t capacity = 16384;

    UChar *begin() { return m_buffer.data() + m_used; }
    UChar *end() { return m_buffer.data() + capacity; }
    void advance(UChar *to) { m_used = size_t(to - m_buffer.data()); }
    void append(UChar unit)
    {
        if (m_used == capacity)
            flush();
        m_buffer[m_used++] = unit;
    }
    bool flush()
    {
        if (m_used == 0)
            return !m_failed;
        v8::Local<v8::String> piece;
        if (!v8::String::NewFromTwoByte(m_isolate,
                                        reinterpret_cast<const uint16_t *>(m_buffer.data()),
                                        v8::NewStringType::kNormal, int(m_used))
                     .ToLocal(&piece)) {
            m_failed = true;
            return false;
        }
        m_used = 0;
        if (m_result.IsEmpty()) {
            m_result = piece;
        } else if (m_result->Length() > v8::String::kMaxLength - piece->Length()) {
            m_failed = true;
            throwRangeError(m_isolate, "Invalid string length");
            return false;
        } else {
            m_result = v8::String::Concat(m_isolate, m_result, piece);
        }
        return true;
    }
    // Empty with an exception pending when V8 could not make the string.
    v8::Local<v8::String> result()
    {
        if (!flush())
            return {};
        return m_result.IsEmpty() ? v8::String::Empty(m_isolate) : m_result;
    }

private:
    v8::Isolate *m_isolate;
    std::array<UChar, capacity> m_buffer;
    size_t m_used = 0;
    bool m_failed = false;
    v8::Local<v8::String> m_result;
};

// ---- single-byte encodings: a table for 0x80..0xFF, stateless ----

// Where the Encoding Standard's index differs from ICU's table of the same name (ICU's IBM code
// pages keep the PC control-character arrangement, its windows-874 maps unassigned bytes to the
// private use area, and so on). The values are the standard's.
struct Patch
{
    uchar byte;
    char16_t codePoint;
};
constexpr Patch ibm866Patches[] = {{0x1a, 0x1a}, {0x1c, 0x1c}, {0x7f, 0x7f}};
constexpr Patch koi8uPatches[] = {{0xae, 0x45e}, {0xbe, 0x40e}};
constexpr Patch windows874Patches[]
        = {{0xdb, 0xfffd}, {0xdc, 0xfffd}, {0xdd, 0xfffd}, {0xde, 0xfffd},
           {0xfc, 0xfffd}, {0xfd, 0xfffd}, {0xfe, 0xfffd}, {0xff, 0xfffd}};
constexpr Patch windows1253Patches[] = {{0xaa, 0xfffd}};
constexpr Patch windows1255Patches[] = {{0xca, 0x5ba}};
// ICU has no ISO-8859-16 converter: the standard's upper half (0xA0..0xFF; 0x80..0x9F are C1).
constexpr char16_t iso885916High[96]
        = {0xa0,  0x104, 0x105, 0x141, 0x20ac, 0x201e, 0x160, 0xa7,  0x161, 0xa9,   0x218, 0xab,
           0x179, 0xad,  0x17a, 0x17b, 0xb0,   0xb1,   0x10c, 0x142, 0x17d, 0x201d, 0xb6,  0xb7,
           0x17e, 0x10d, 0x219, 0xbb,  0x152,  0x153,  0x178, 0x17c, 0xc0,  0xc1,   0xc2,  0x102,
           0xc4,  0x106, 0xc6,  0xc7,  0xc8,   0xc9,   0xca,  0xcb,  0xcc,  0xcd,   0xce,  0xcf,
           0x110, 0x143, 0xd2,  0xd3,  0xd4,   0x150,  0xd6,  0x15a, 0x170, 0xd9,   0xda,  0xdb,
           0xdc,  0x118, 0x21a, 0xdf,  0xe0,   0xe1,   0xe2,  0x103, 0xe4,  0x107,  0xe6,  0xe7,
           0xe8,  0xe9,  0xea,  0xeb,  0xec,   0xed,   0xee,  0xef,  0x111, 0x144,  0xf2,  0xf3,
           0xf4,  0x151, 0xf6,  0x15b, 0x171,  0xf9,   0xfa,  0xfb,  0xfc,  0x119,  0x21b, 0xff};

struct SingleByte
{
    SingleByte(const char *name, const Patch *patches = nullptr, size_t patchCount = 0)
        : name(name), patches(patches), patchCount(patchCount)
    { }
    const char *name; // the Encoding Standard's name, which is also ICU's alias for the table
    const Patch *patches;
    size_t patchCount;
    std::once_flag once;
    char16_t table[256] = {};
    bool ok = false;
};

template<size_t N> constexpr size_t countOf(const Patch (&)[N])
{
    return N;
}

SingleByte singleByteEncodings[] = {
        {"ibm866", ibm866Patches, countOf(ibm866Patches)},
        {"iso-8859-2"},
        {"iso-8859-3"},
        {"iso-8859-4"},
        {"iso-8859-5"},
        {"iso-8859-6"},
        {"iso-8859-7"},
        {"iso-8859-8"},
        {"iso-8859-8-i"},
        {"iso-8859-10"},
        {"iso-8859-13"},
        {"iso-8859-14"},
        {"iso-8859-15"},
        {"iso-8859-16"},
        {"koi8-r"},
        {"koi8-u", koi8uPatches, countOf(koi8uPatches)},
        {"macintosh"},
        {"windows-874", windows874Patches, countOf(windows874Patches)},
        {"windows-1250"},
        {"windows-1251"},
        {"windows-1252"},
        {"windows-1253", windows1253Patches, countOf(windows1253Patches)},
        {"windows-1254"},
        {"windows-1255", windows1255Patches, countOf(windows1255Patches)},
        {"windows-1256"},
        {"windows-1257"},
        {"windows-1258"},
        {"x-mac-cyrillic"},
        {"x-user-defined"},
};

void buildTable(SingleByte &encoding)
{
    for (int byte = 0; byte < 0x80; ++byte)
        encoding.table[byte] = char16_t(byte);
    if (std::strcmp(encoding.name, "x-user-defined") == 0) {
        for (int byte = 0x80; byte < 0x100; ++byte)
            encoding.table[byte] = char16_t(0xf780 + byte - 0x80);
    } else if (std::strcmp(encoding.name, "iso-8859-16") == 0) {
        for (int byte = 0x80; byte < 0xa0; ++byte)
            encoding.table[byte] = char16_t(byte);
        for (int byte = 0xa0; byte < 0x100; ++byte)
            encoding.table[byte] = iso885916High[byte - 0xa0];
    } else {
        UErrorCode status = U_ZERO_ERROR;
        UConverter *converter = ucnv_open(encoding.name, &status);
        if (U_FAILURE(status))
            return;
        char bytes[256];
        for (int byte = 0; byte < 256; ++byte)
            bytes[byte] = char(byte);
        // One unit per byte: every table here maps a byte to one BMP code point or U+FFFD.
        UChar units[256];
        int32_t offsets[256];
        UChar *target = units;
        const char *source = bytes;
        ucnv_toUnicode(converter, &target, units + 256, &source, bytes + 256, offsets, true,
                       &status);
        ucnv_close(converter);
        if (U_FAILURE(status) || target != units + 256)
            return;
        for (int byte = 0x80; byte < 0x100; ++byte)
            encoding.table[byte] = units[byte];
    }
    for (size_t i = 0; i < encoding.patchCount; ++i)
        encoding.table[encoding.patches[i].byte] = encoding.patches[i].codePoint;
    encoding.ok = true;
}

SingleByte *singleByte(const QString &name)
{
    for (SingleByte &encoding : singleByteEncodings) {
        if (name == QLatin1String(encoding.name)) {
            std::call_once(encoding.once, [&] { buildTable(encoding); });
            return encoding.ok ? &encoding : nullptr;
        }
    }
    return nullptr;
}

// decodeSingleByte(encoding, bytes, fatal) -> string
void decodeSingleByte(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    SingleByte *encoding = singleByte(toQString(iso, info[0]));
    if (!encoding)
        return throwRangeError(iso, "Invalid or unsupported encoding");
    const char *data;
    size_t length;
    if (!viewBytes(info[1], &data, &length))
        return throwTypeError(iso, decodeFailed);
    const bool fatal = info[2]->BooleanValue(iso);
    size_t ascii = 0;
    while (ascii < length && uchar(data[ascii]) < 0x80)
        ++ascii;
    if (ascii == length) {
        v8::Local<v8::String> text;
        if (v8::String::NewFromOneByte(iso, reinterpret_cast<const uint8_t *>(data),
                                       v8::NewStringType::kNormal, int(length))
                    .ToLocal(&text))
            info.GetReturnValue().Set(text);
        return;
    }
    StringBuilder out(iso);
    for (size_t i = 0; i < length; ++i) {
        const char16_t unit = encoding->table[uchar(data[i])];
        if (fatal && unit == 0xfffd)
            return throwTypeError(iso, decodeFailed);
        out.append(unit);
    }
    v8::Local<v8::String> text = out.result();
    if (!text.IsEmpty())
        info.GetReturnValue().Set(text);
}

// ---- stateful decoders (UTF-16, the CJK encodings) over an ICU converter ----

// Native state lives in memory taken from the isolate's ArrayBuffer allocator, so it counts
// against the Worker's memory limit like binary data does, and is owned by an ArrayBuffer whose
// deleter frees it: when the handle is collected, or when the isolate goes away.
constexpr uint32_t decoderMagic = 0x5344'4543; // "SDEC"
constexpr uint32_t zlibMagic = 0x535a'4c42; // "SZLB"

// What one handle is charged: the state plus an allowance for what ICU allocates per converter
// (see deflateCharge for zlib).
constexpr size_t decoderCharge = 4096;

// Where ICU's converter for an encoding differs from the Encoding Standard's decoder on input
// workerd (encoding_rs) decodes the standard's way, for bytes outside multi-byte sequences.
enum class Quirks : uint8_t { None, ShiftJis, EucJp, EucKr };

struct DecoderContext
{
    Quirks quirks = Quirks::None;
    bool fatal = false;
    bool multiByte = false; // a legacy multi-byte encoding (not UTF-16)
};

struct DecoderState
{
    ~DecoderState()
    {
        if (converter)
            ucnv_close(converter);
    }
    uint32_t magic = decoderMagic;
    UConverter *converter = nullptr;
    DecoderContext context; // the callback's: lives as long as the converter
    bool utf16le = false;
};

struct ZlibState
{
    ~ZlibState() { release(); }
    void release()
    {
        if (!initialised)
            return;
        if (compress)
            deflateEnd(&stream);
        else
            inflateEnd(&stream);
        initialised = false;
        input = QByteArray();
    }
    uint32_t magic = zlibMagic;
    z_stream stream;
    bool compress = false;
    bool initialised = false;
    bool ended = false; // the end of the compressed stream was reached (or written)
    QByteArray input; // the chunk being worked through
};

// The BackingStore's deleter; V8 may call it on another thread, after the handle is collected.
template<typename State> void destroyState(void *data, size_t length, void *allocator)
{
    static_cast<State *>(data)->~State();
    static_cast<v8::ArrayBuffer::Allocator *>(allocator)->Free(data, length);
}

// A handle (an ArrayBuffer only the prelude holds) owning a new State. Null, with a RangeError
// thrown and the isolate over its limit, when the memory budget is spent.
template<typename State>
State *newHandle(v8::Isolate *isolate, size_t charge, v8::Local<v8::ArrayBuffer> *handle)
{
    v8::ArrayBuffer::Allocator *allocator = isolate->GetArrayBufferAllocator();
    void *memory = allocator->Allocate(charge);
    if (!memory) {
        if (Isolate *owner = Isolate::from(isolate))
            owner->exceedMemory("binary data");
        throwRangeError(isolate, "Array buffer allocation failed");
        return nullptr;
    }
    auto *state = new (memory) State();
    std::unique_ptr<v8::BackingStore> store
            = v8::ArrayBuffer::NewBackingStore(memory, charge, &destroyState<State>, allocator);
    *handle = v8::ArrayBuffer::New(isolate, std::move(store));
    return state;
}

template<typename State> State *stateOf(v8::Local<v8::Value> handle, uint32_t magic)
{
    if (!handle->IsArrayBuffer())
        return nullptr;
    auto buffer = handle.As<v8::ArrayBuffer>();
    if (buffer->ByteLength() < sizeof(State))
        return nullptr;
    auto *state = static_cast<State *>(buffer->Data());
    return state->magic == magic ? state : nullptr;
}

// WHATWG name -> ICU converter for the encodings decoded with state. Where ICU has several
// tables, the one whose mappings agree with the Encoding Standard on valid input.
const char *icuConverterName(const QString &name)
{
    static const std::pair<const char *, const char *> names[] = {
            {"utf-16le", "UTF-16LE"},       {"utf-16be", "UTF-16BE"},     {"gbk", "gb18030"},
            {"gb18030", "gb18030"},         {"big5", "big5-hkscs"},       {"euc-jp", "euc-jp"},
            {"iso-2022-jp", "ISO-2022-JP"}, {"shift_jis", "windows-31j"}, {"euc-kr", "windows-949"},
    };
    for (const auto &[whatwg, icu] : names)
        if (name == QLatin1String(whatwg))
            return icu;
    return nullptr;
}

// Malformed or unmapped input: one U+FFFD per sequence (ICU's own substitution gives some
// converters' SUB byte 0x1A instead); when the sequence ended in an ASCII byte, that byte is not
// part of it and decodes as itself, as the standard's decoders "prepend" it to the stream. With
// fatal the error stands and decoding stops.
void onInvalid(const void *context, UConverterToUnicodeArgs *args, const char *codeUnits,
               int32_t length, UConverterCallbackReason reason, UErrorCode *status)
{
    if (reason > UCNV_IRREGULAR)
        return;
    const auto *decoder = static_cast<const DecoderContext *>(context);
    // Shift_JIS decodes a lone 0x80 as U+0080; ICU's table has no mapping for it.
    if (decoder->quirks == Quirks::ShiftJis && length == 1 && uchar(codeUnits[0]) == 0x80) {
        *status = U_ZERO_ERROR;
        const UChar c1 = 0x80;
        ucnv_cbToUWriteUChars(args, &c1, 1, 0, status);
        return;
    }
    if (decoder->fatal)
        return;
    // A sequence cut short by the end of the input is one error, whatever its last byte.
    const bool truncated = *status == U_TRUNCATED_CHAR_FOUND;
    *status = U_ZERO_ERROR;
    UChar replacement[2] = {0xfffd, 0};
    int32_t count = 1;
    if (decoder->multiByte && !truncated && length > 1 && uchar(codeUnits[length - 1]) < 0x80)
        replacement[count++] = UChar(uchar(codeUnits[length - 1]));
    ucnv_cbToUWriteUChars(args, replacement, count, 0, status);
}

// Fixes ICU's output in place where its tables map single bytes differently from the standard;
// false when that made a fatal decoder meet an error.
bool applyQuirks(Quirks quirks, bool fatal, UChar *begin, UChar *end)
{
    if (quirks == Quirks::None)
        return true;
    for (UChar *c = begin; c != end; ++c) {
        UChar fixed = *c;
        switch (quirks) {
        case Quirks::ShiftJis:
            // ICU's IBM-derived table keeps the PC arrangement of three control characters.
            fixed = *c == 0x1c ? 0x1a : *c == 0x7f ? 0x1c : *c == 0x1a ? 0x7f : *c;
            break;
        case Quirks::EucJp:
            // ICU passes bytes 0x80..0x9F through as C1 controls; the standard has no such mapping.
            if (*c >= 0x80 && *c <= 0x9f)
                fixed = 0xfffd;
            break;
        case Quirks::EucKr:
            // ICU's windows-949 maps 0x80 and the user-defined area to U+0080 and the PUA.
            if (*c == 0x80 || (*c >= 0xe000 && *c <= 0xf8ff))
                fixed = 0xfffd;
            break;
        case Quirks::None:
            break;
        }
        if (fixed == 0xfffd && *c != 0xfffd && fatal)
            return false;
        *c = fixed;
    }
    return true;
}

// decoderOpen(encoding, fatal) -> handle
void decoderOpen(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const char *icuName = icuConverterName(toQString(iso, info[0]));
    if (!icuName)
        return throwRangeError(iso, "Invalid or unsupported encoding");
    UErrorCode status = U_ZERO_ERROR;
    UConverter *converter = ucnv_open(icuName, &status);
    if (U_FAILURE(status))
        return throwRangeError(iso, "Invalid or unsupported encoding");
    v8::Local<v8::ArrayBuffer> handle;
    DecoderState *state = newHandle<DecoderState>(iso, decoderCharge, &handle);
    if (!state) {
        ucnv_close(converter);
        return;
    }
    state->converter = converter;
    state->context.fatal = info[1]->BooleanValue(iso);
    const QString name = toQString(iso, info[0]);
    state->context.quirks = name == QLatin1String("shift_jis") ? Quirks::ShiftJis
            : name == QLatin1String("euc-jp")                  ? Quirks::EucJp
            : name == QLatin1String("euc-kr")                  ? Quirks::EucKr
                                                               : Quirks::None;
    state->utf16le = std::strcmp(icuName, "UTF-16LE") == 0;
    state->context.multiByte = !name.startsWith(QLatin1String("utf-16"));
    status = U_ZERO_ERROR;
    ucnv_setToUCallBack(converter, &onInvalid, &state->context, nullptr, nullptr, &status);
    info.GetReturnValue().Set(handle);
}

// decoderDecode(handle, bytes, flush) -> string; throws TypeError("Failed to decode input.") when
// fatal and the input is invalid (the decoder is reset then, as after a flush).
void decoderDecode(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    auto *state = stateOf<DecoderState>(info[0], decoderMagic);
    const char *data;
    size_t length;
    if (!state || !viewBytes(info[1], &data, &length))
        return throwTypeError(iso, decodeFailed);
    const bool flush = info[2]->BooleanValue(iso);
    UConverter *converter = state->converter;
    UErrorCode status = U_ZERO_ERROR;
    // workerd decodes whole UTF-16LE code units straight into a string, keeping lone
    // surrogates; a trailing lead surrogate waits for its pair unless this is the last chunk.
    if (state->utf16le && length > 0 && length % 2 == 0
        && ucnv_toUCountPending(converter, &status) == 0
        && reinterpret_cast<uintptr_t>(data) % alignof(uint16_t) == 0) {
        const auto *units = reinterpret_cast<const uint16_t *>(data);
        const size_t count = length / 2;
        if (flush || !(units[count - 1] >= 0xd800 && units[count - 1] <= 0xdbff)) {
            if (flush)
                ucnv_reset(converter);
            if (count > size_t(v8::String::kMaxLength))
                return throwRangeError(iso, "Invalid string length");
            v8::Local<v8::String> text;
            if (v8::String::NewFromTwoByte(iso, units, v8::NewStringType::kNormal, int(count))
                        .ToLocal(&text))
                info.GetReturnValue().Set(text);
            return;
        }
    }
    status = U_ZERO_ERROR;
    StringBuilder out(iso);
    const char *source = data;
    const char *sourceEnd = data + length;
    for (;;) {
        UChar *target = out.begin();
        status = U_ZERO_ERROR;
        UChar *start = target;
        ucnv_toUnicode(converter, &target, out.end(), &source, sourceEnd, nullptr, flush, &status);
        if (!applyQuirks(state->context.quirks, state->context.fatal, start, target)) {
            ucnv_reset(converter);
            return throwTypeError(iso, decodeFailed);
        }
        out.advance(target);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            if (!out.flush())
                return;
            continue;
        }
        break;
    }
    if (U_FAILURE(status)) {
        ucnv_reset(converter);
        return throwTypeError(iso, decodeFailed);
    }
    if (flush)
        ucnv_reset(converter);
    v8::Local<v8::String> text = out.result();
    if (!text.IsEmpty())
        info.GetReturnValue().Set(text);
}

// ---- zlib ----

// What a zlib handle is charged: zlib's own allocations for the parameters used here (deflate:
// a 32 KiB window of 2-byte entries, 64 KiB of hash chains, 64 KiB of pending symbols and its
// state; inflate: a 32 KiB window and its state), rounded up. The handle's backing store has this
// size, so V8 sees it as external memory and collects abandoned streams under pressure.
constexpr size_t deflateCharge = 288 * 1024;
constexpr size_t inflateCharge = 48 * 1024;

// Output per zlibPush call: what a decompression bomb can make the engine hold outside the heap
// before the prelude has turned it into (counted) ArrayBuffers.
constexpr size_t zChunk = 64 * 1024;

// zlibOpen(format, compress) -> handle. format is "gzip", "deflate" or "deflate-raw" (validated
// by the prelude).
void zlibOpen(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    const QString format = toQString(iso, info[0]);
    const bool compress = info[1]->BooleanValue(iso);
    int windowBits;
    if (format == QLatin1String("gzip"))
        windowBits = 15 + 16;
    else if (format == QLatin1String("deflate"))
        windowBits = 15;
    else if (format == QLatin1String("deflate-raw"))
        windowBits = -15;
    else
        return throwTypeError(iso,
                              "The compression format must be either 'deflate', "
                              "'deflate-raw' or 'gzip'.");
    v8::Local<v8::ArrayBuffer> handle;
    ZlibState *state = newHandle<ZlibState>(iso, compress ? deflateCharge : inflateCharge, &handle);
    if (!state)
        return;
    state->compress = compress;
    std::memset(&state->stream, 0, sizeof state->stream);
    const int result = compress ? deflateInit2(&state->stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                                               windowBits, 8, Z_DEFAULT_STRATEGY)
                                : inflateInit2(&state->stream, windowBits);
    if (result != Z_OK) {
        if (Isolate *owner = Isolate::from(iso); owner && result == Z_MEM_ERROR)
            owner->exceedMemory("binary data");
        return throwRangeError(iso, "Array buffer allocation failed");
    }
    state->initialised = true;
    info.GetReturnValue().Set(handle);
}

// zlibPush(handle, bytes | null, finish) -> Uint8Array | null.
// With bytes: they become the input to work through (the previous input must be used up, i.e.
// the last call answered null). Each call answers at most zChunk bytes of output, or null once
// the input is used up (with finish: once the stream is complete; the native state is freed
// then). Corrupt input throws TypeError("Decompression failed."), input that ends early
// TypeError("Called close() on a decompression stream with incomplete data"); the state is freed
// on either.
void zlibPush(const Info &info)
{
    v8::Isolate *iso = info.GetIsolate();
    auto *state = stateOf<ZlibState>(info[0], zlibMagic);
    if (!state)
        return throwTypeError(iso, "zlibPush: expected a handle");
    const bool finish = info[2]->BooleanValue(iso);
    if (!info[1]->IsNull() && !info[1]->IsUndefined()) {
        if (!toBytes(info[1], &state->input))
            return throwTypeError(iso, "zlibPush: expected a Uint8Array");
        state->stream.next_in = reinterpret_cast<Bytef *>(state->input.data());
        state->stream.avail_in = uInt(state->input.size());
    }
    if (!state->initialised)
        return info.GetReturnValue().SetNull();
    z_stream &stream = state->stream;
    if (!state->ended) {
        QByteArray out;
        out.resize(zChunk);
        stream.next_out = reinterpret_cast<Bytef *>(out.data());
        stream.avail_out = uInt(zChunk);
        const int result = state->compress ? deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                                           : inflate(&stream, Z_NO_FLUSH);
        if (result == Z_STREAM_END)
            state->ended = true;
        if (result == Z_MEM_ERROR) {
            state->release();
            if (Isolate *owner = Isolate::from(iso))
                owner->exceedMemory("binary data");
            return throwRangeError(iso, "Array buffer allocation failed");
        }
        if (result == Z_DATA_ERROR || result == Z_NEED_DICT || result == Z_STREAM_ERROR) {
            state->release();
            return throwTypeError(iso, "Decompression failed.");
        }
        const size_t produced = zChunk - stream.avail_out;
        if (produced > 0) {
            out.truncate(qsizetype(produced));
            v8::Local<v8::Uint8Array> chunk = toUint8Array(iso, out);
            if (!chunk.IsEmpty())
                info.GetReturnValue().Set(chunk);
            return;
        }
        // No output: the input is used up (Z_BUF_ERROR only says no progress was possible).
    }
    if (state->ended && !state->compress && stream.avail_in > 0) {
        state->release();
        return throwTypeError(iso, trailingData);
    }
    if (finish) {
        const bool complete = state->ended;
        state->release();
        if (!complete)
            return throwTypeError(iso, incompleteData);
    }
    info.GetReturnValue().SetNull();
}

// zlibClose(handle): frees the native state now (cancel, abort, error) rather than at GC.
void zlibClose(const Info &info)
{
    if (auto *state = stateOf<ZlibState>(info[0], zlibMagic))
        state->release();
}

const NativeFunction encodingTable[] = {
        {"decodeSingleByte", &decodeSingleByte},
        {"decoderOpen", &decoderOpen},
        {"decoderDecode", &decoderDecode},
        {"zlibOpen", &zlibOpen},
        {"zlibPush", &zlibPush},
        {"zlibClose", &zlibClose},
};
} // namespace

std::span<const NativeFunction> encodingNatives()
{
    return encodingTable;
}

void installEncodingNatives(v8::Local<v8::Context> context, v8::Local<v8::Object> natives)
{
    addNativeFunctions(context, natives, encodingNatives());
}

} // namespace switchyard::engine
