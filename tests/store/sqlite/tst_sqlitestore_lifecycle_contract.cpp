#include "LifecycleStoreContract.h"
#include "SqliteContractStore.h"

int main(int argc, char* argv[])
{
    return SqliteContractStore::runSuite<LifecycleStoreContract>(argc, argv);
}
