#include "KeyStoreContract.h"
#include "SqliteContractStore.h"

int main(int argc, char* argv[])
{
    return SqliteContractStore::runSuite<KeyStoreContract>(argc, argv);
}
