#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace switchyard::platform {

// What went wrong, coarse enough for the admin API to pick an HTTP status from.
enum class ErrorKind {
    Invalid, // the input breaks a rule: 400
    NotFound, // what the change refers to does not exist: 404
    Conflict, // a name already taken: 409
    Storage, // the store refused the change; nothing was changed: 500
    Unavailable, // the shared store cannot be reached; edits wait for it: 503
};

struct Error
{
    ErrorKind kind = ErrorKind::Invalid;
    QString message; // names what and where, ready to show to the user
};

// The outcome of a platform service call: a value, or an Error with its message.
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::move(value)) { }
    Result(Error error) : m_error(std::move(error)) { }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    const Error &error() const { return m_error; }
    QString errorMessage() const { return m_error.message; }

private:
    std::optional<T> m_value;
    Error m_error;
};

template<> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_ok(false), m_error(std::move(error)) { }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }
    QString errorMessage() const { return m_error.message; }

private:
    bool m_ok = true;
    Error m_error;
};

} // namespace switchyard::platform
