#pragma once

// keydeckctl's exit codes, documented in --help: scripts branch on them.
enum class CliExitCode : int
{
    Ok = 0,
    Runtime = 1,  // the store or the terminal failed
    Usage = 2,    // bad command line or invalid value; nothing changed
    NotFound = 3, // no key with that id or label
    Refused = 4,  // the key's state forbids it (revocation is final) or the label is taken
    Denied = 5,   // the store refused the credentials, or they lack the permission
    Leaked = 6,   // scan: a key that still works was found where it should not be
};
