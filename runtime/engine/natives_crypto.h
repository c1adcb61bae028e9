#pragma once

#include <v8-context.h>
#include <v8-local-handle.h>
#include <v8-object.h>

namespace switchyard::engine {

// Adds `natives.crypto` (CONTRACT.md "Crypto natives"): WebCrypto's operations on OpenSSL 3, with
// key material held natively behind opaque handle objects.
void installCryptoNatives(v8::Local<v8::Context> context, v8::Local<v8::Object> natives);

} // namespace switchyard::engine
