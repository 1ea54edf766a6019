#include "LifecycleStoreContract.h"
#include "PostgresContractStore.h"

int main(int argc, char* argv[])
{
    return PostgresContractStore::runSuite<LifecycleStoreContract>(argc, argv);
}
