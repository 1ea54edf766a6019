#include "KeyStoreContract.h"
#include "PostgresContractStore.h"

int main(int argc, char* argv[])
{
    return PostgresContractStore::runSuite<KeyStoreContract>(argc, argv);
}
