#include "SpendStoreContract.h"
#include "SqliteContractStore.h"

int main(int argc, char* argv[])
{
    return SqliteContractStore::runSuite<SpendStoreContract>(argc, argv);
}
